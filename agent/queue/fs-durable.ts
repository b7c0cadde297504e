// Small durable-file helpers for the spool: a file is on disk once it and its directory are fsynced.
import { open, readdir, rename, rm, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { atomicWrite, fsyncDirectory } from '../state/atomic-write.ts';

export { atomicWrite, fsyncDirectory };

/** Writes `head` then `body` to a new file (0600) and fsyncs it; the file must not exist. */
export async function writeNewFileDurably(path: string, head: Buffer, body: Readable): Promise<void> {
  const handle = await open(path, 'wx', 0o600);
  try {
    await writeAll(handle, head);
    // Chunk by chunk (memory bounded by the composer's chunks); a FileHandle write stream with
    // autoClose: false left sync() hanging on Node 20.
    for await (const chunk of body) await writeAll(handle, chunk as Buffer);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function writeAll(handle: FileHandle, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) offset += (await handle.write(data, offset)).bytesWritten;
}

/**
 * Atomic replacement without fsync: survives a process crash (kill -9: the page cache is kept) but not
 * necessarily a power cut. For records whose loss after a power cut is covered by an earlier durable one.
 */
export async function replaceFileFast(path: string, data: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data, { mode: 0o600 });
  await rename(tmp, path);
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
