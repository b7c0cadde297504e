// Where the agent keeps its state when not told: --state-dir, then $MAIL_AGENT_STATE_DIR, then
// /var/lib/mail-agent for root, else ~/.local/state/mail-agent (XDG_STATE_HOME honoured).
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface PathContext {
  env: NodeJS.ProcessEnv;
  cwd: string;
  uid?: number;
  home?: string;
}

export function resolveStateDir(flag: string | undefined, ctx: PathContext): string {
  if (flag) return resolve(ctx.cwd, flag);
  const fromEnv = ctx.env.MAIL_AGENT_STATE_DIR;
  if (fromEnv) return resolve(ctx.cwd, fromEnv);
  const uid = ctx.uid ?? process.getuid?.() ?? -1;
  if (uid === 0) return '/var/lib/mail-agent';
  const stateHome = ctx.env.XDG_STATE_HOME || join(ctx.home ?? homedir(), '.local', 'state');
  return join(stateHome, 'mail-agent');
}

export function resolveStatusPath(flag: string | undefined, stateDir: string, cwd: string): string {
  return flag ? resolve(cwd, flag) : join(stateDir, 'status.json');
}
