// One agent per state dir, enforced by the kernel: the running agent holds an exclusive advisory lock —
// an open-file-description lock (fcntl F_OFD_SETLK) on Linux, flock(2) on macOS, LockFileEx on Windows,
// through fs-native-extensions — on agent.lock for as long as it lives. The kernel drops
// it when the process ends, however it ends (kill -9, a crash, a container stopped), so a lock is never
// "stale" and never taken over: whatever its pid or hostname (containers sharing a volume are each pid 1
// on their own host), a holder that still runs keeps the state dir. Two agents on one spool would deliver
// every notification twice. The file itself is never removed: removing it would let a second agent lock a
// new file while the first still holds the old one.
import { constants } from 'node:fs';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { tryLock, unlock } from 'fs-native-extensions';
import { hostname } from 'node:os';
import { AgentError, ErrorCodes } from '../errors.ts';
import { statePaths } from '../state/layout.ts';

/** Who holds the lock, written into the file by the holder (for the message the next agent prints). */
interface LockRecord {
  pid: number;
  host: string;
  startedAt: string;
}

export interface StateLock {
  path: string;
  release(): Promise<void>;
}

const Busy = new Set(['EAGAIN', 'EWOULDBLOCK', 'EBUSY', 'EACCES']);

async function holder(path: string): Promise<LockRecord | undefined> {
  try {
    const record = JSON.parse(await readFile(path, 'utf8')) as Partial<LockRecord>;
    return typeof record.pid === 'number' && typeof record.host === 'string' ? record as LockRecord : undefined;
  } catch {
    return undefined; // Windows' lock also locks reading; or the holder is writing it right now.
  }
}

function describe(owner: LockRecord | undefined): string {
  return owner ? `pid ${owner.pid} on host ${owner.host}, started ${owner.startedAt}` : 'a process that is still running';
}

export async function acquireStateLock(stateDir: string): Promise<StateLock> {
  const path = statePaths(stateDir).lock;
  // Never truncated on open: the holder's record stays readable until we hold the lock ourselves.
  const handle = await open(path, constants.O_RDWR | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0), 0o600);
  try {
    if (!tryLock(handle.fd)) throw Object.assign(new Error('locked'), { code: 'EAGAIN' });
  } catch (err) {
    await handle.close();
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (Busy.has(code)) {
      throw new AgentError(ErrorCodes.StateDirLocked,
        `another mail-agent holds the state dir ${stateDir} (${describe(await holder(path))}); one agent per state dir. `
        + 'Stop that one first: its lock goes when its process ends.');
    }
    throw new AgentError(ErrorCodes.StateDirLocked,
      `cannot lock ${path} (${code || 'error'}): the state dir must be on a file system with file locks`, { cause: err });
  }
  try {
    await writeRecord(handle, { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() });
  } catch (err) {
    await handle.close();
    throw err;
  }
  let released: Promise<void> | undefined;
  return {
    path,
    release: () => (released ??= Promise.resolve().then(() => unlock(handle.fd)).catch(() => undefined).finally(() => handle.close())),
  };
}

async function writeRecord(handle: FileHandle, record: LockRecord): Promise<void> {
  await handle.truncate(0);
  await handle.write(JSON.stringify(record) + '\n', 0, 'utf8');
  await handle.sync();
}
