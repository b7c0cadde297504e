// Where the state dir is when not given: shared by `run`, `send` and `log`, which must agree to find
// one another's spool. --state-dir, else $MAIL_AGENT_STATE_DIR, else /var/lib/mail-agent for root (a
// system service), else $XDG_STATE_HOME/mail-agent (~/.local/state/mail-agent).
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface StateDirContext {
  env: NodeJS.ProcessEnv;
  cwd: string;
  uid?: number;
  home?: string;
}

export function resolveStateDir(flag: string | undefined, ctx: StateDirContext): string {
  if (flag) return resolve(ctx.cwd, flag);
  const fromEnv = ctx.env.MAIL_AGENT_STATE_DIR;
  if (fromEnv) return resolve(ctx.cwd, fromEnv);
  const uid = ctx.uid ?? process.getuid?.();
  if (uid === 0) return '/var/lib/mail-agent';
  const xdg = ctx.env.XDG_STATE_HOME;
  if (xdg && xdg.startsWith('/')) return join(xdg, 'mail-agent');
  return join(ctx.home ?? ctx.env.HOME ?? homedir(), '.local', 'state', 'mail-agent');
}
