// The state dir holds the spool: whoever can write into it can plant a notification (with their own Bcc)
// that the agent delivers as its own. So the state dir and every folder in it must be owned by the agent's
// user and writable by nobody else. A folder that is not is refused, never adopted or quietly chmod-ed: the
// error names it and the exact command that fixes it, after the operator has checked what it holds. The
// agent also refuses files in it owned by someone else. Windows has no POSIX owners or modes: there the
// folder's ACL (set by deploy/windows/install-service.ps1) is what protects it.
import type { Stats } from 'node:fs';
import { lstat, mkdir, readdir, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { AgentError, ErrorCodes } from '../errors.ts';

export interface PrivacyContext {
  /** The agent's uid; undefined where there are no POSIX owners (Windows). */
  uid?: number;
}

function ownUid(): number | undefined {
  return process.platform === 'win32' ? undefined : process.getuid?.();
}

function userName(uid: number): string {
  try {
    const me = userInfo();
    if (me.uid === uid) return me.username;
  } catch { /* no passwd entry: the number will do */ }
  return String(uid);
}

function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

function unsafe(message: string): AgentError {
  return new AgentError(ErrorCodes.StateDirUnsafe, message);
}

/** Throws unless `info` (of `path`) is owned by `uid` and not writable by group or others. */
function judge(path: string, info: Stats, uid: number, what: 'folder' | 'file'): void {
  if (info.isSymbolicLink()) {
    throw unsafe(`${path} in the state dir is a symbolic link; the agent follows none there. Check where it points and remove it (rm ${path})`);
  }
  if (info.uid !== uid) {
    throw unsafe(`the state dir's ${what} ${path} is owned by uid ${info.uid}, not by the agent's user ${userName(uid)} (uid ${uid}): `
      + `whoever owns it can plant notifications. Check what it holds, then: chown ${what === 'folder' ? '-R ' : ''}${userName(uid)} ${path}`);
  }
  if ((info.mode & 0o022) !== 0) {
    throw unsafe(`the state dir's ${what} ${path} is writable by ${(info.mode & 0o020) !== 0 ? 'its group' : 'others'} (mode ${octal(info.mode)}): `
      + `anyone who can write there can plant notifications. Check what it holds, then: chmod go-w ${path}`);
  }
}

/**
 * Creates the state dir (0700) when missing and checks it and `subfolders` (paths inside it, created 0700
 * when missing). With `deep`, every folder and file below is checked as well (the agent, at start).
 */
export async function ensurePrivateStateDir(stateDir: string, subfolders: readonly string[] = [], options: { deep?: boolean } & PrivacyContext = {}): Promise<void> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  for (const dir of subfolders) await mkdir(dir, { mode: 0o700 }).catch((err: NodeJS.ErrnoException) => { if (err.code !== 'EEXIST') throw err; });
  const uid = 'uid' in options ? options.uid : ownUid();
  if (uid === undefined) return;
  // The state dir itself may be reached through a link (/var/lib/mail-agent -> /data/…): its target counts.
  judge(stateDir, await stat(stateDir), uid, 'folder');
  for (const dir of subfolders) judge(dir, await lstat(dir), uid, 'folder');
  if (options.deep) await judgeTree(stateDir, uid);
}

async function judgeTree(dir: string, uid: number): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const info = await lstat(path).catch(() => undefined); // removed meanwhile (a `send` finishing)
    if (!info) continue;
    judge(path, info, uid, info.isDirectory() ? 'folder' : 'file');
    if (info.isDirectory()) await judgeTree(path, uid);
  }
}
