// One agent per state dir: a lock file created exclusively, holding the owner's pid. A lock left by a
// dead process (kill -9, reboot) is taken over; so is one naming our own pid (a container's pid 1
// restarted). Two agents on one spool would deliver every notification twice.
import { open, readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { AgentError, ErrorCodes } from '../errors.ts';
import { statePaths } from '../state/layout.ts';

interface LockRecord {
  pid: number;
  host: string;
  startedAt: string;
}

export interface StateLock {
  path: string;
  release(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function holder(path: string): Promise<LockRecord | undefined> {
  try {
    const record = JSON.parse(await readFile(path, 'utf8')) as LockRecord;
    return typeof record.pid === 'number' ? record : undefined;
  } catch {
    return undefined;
  }
}

export async function acquireStateLock(stateDir: string): Promise<StateLock> {
  const path = statePaths(stateDir).lock;
  const record: LockRecord = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o600);
      try {
        await handle.writeFile(JSON.stringify(record) + '\n');
        await handle.sync();
      } finally {
        await handle.close();
      }
      return { path, release: () => unlink(path).catch(() => undefined) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = await holder(path);
    if (owner && owner.pid !== process.pid && owner.host === record.host && alive(owner.pid)) {
      throw new AgentError(ErrorCodes.StateDirLocked,
        `another mail-agent (pid ${owner.pid}, started ${owner.startedAt}) is running with state dir ${stateDir}; one agent per state dir`);
    }
    // Stale (dead owner, unreadable, or a half-written lock): take it over.
    await unlink(path).catch(() => undefined);
  }
  throw new AgentError(ErrorCodes.StateDirLocked, `could not take the lock ${path}: another agent keeps taking it`);
}
