// Atomic file replacement: temp file in the same directory, fsync, rename, then fsync the directory
// (write-file-atomic 7 does the first three but not the last, without which a crash can lose the rename).
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import writeFileAtomic from 'write-file-atomic';

export async function atomicWrite(path: string, data: string | Buffer, mode = 0o600): Promise<void> {
  await writeFileAtomic(path, data, { mode, fsync: true });
  await fsyncDirectory(dirname(path));
}

export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
