// Small durable-file helpers for the spool: a file is on disk once it and its directory are fsynced.
import { mkdir, open, readdir, rm, unlink } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { atomicWrite, fsyncDirectory } from '../state/atomic-write.ts';

export { atomicWrite, fsyncDirectory };

export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
}

/** Writes `head` then `body` to a new file (0600) and fsyncs it; the file must not exist. */
export async function writeNewFileDurably(path: string, head: Buffer, body: Readable): Promise<void> {
  const handle = await open(path, 'wx', 0o600);
  try {
    await handle.write(head);
    await pipeline(body, handle.createWriteStream({ autoClose: false }));
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

export async function unlinkIfExists(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

export async function removeQuietly(path: string): Promise<void> {
  await rm(path, { force: true });
}
