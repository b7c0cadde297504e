// Reading a file the settings refer to (a secret file, caFile): a regular file, bounded in size, so a
// reference to /dev/zero or a FIFO cannot hang or exhaust the agent. Failures are described, not thrown.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { deniedAt, isPermissionError } from './denied-path.ts';

export type FileRead = { ok: true; bytes: Buffer } | { ok: false; why: string };

async function describeError(err: unknown, path: string): Promise<string> {
  const code = (err as { code?: string }).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'does not exist';
  if (isPermissionError(code)) return `cannot be read (permission denied): ${await deniedAt(path)}`;
  if (code === 'EISDIR') return 'is a directory, not a file';
  return `cannot be read (${code ?? 'error'})`;
}

export async function readReferencedFile(path: string, maxBytes: number): Promise<FileRead> {
  let handle;
  try {
    // O_NONBLOCK: opening a FIFO with no writer must not wait; it is refused just below.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    return { ok: false, why: await describeError(err, path) };
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) return { ok: false, why: 'is a directory, not a file' };
    if (!stat.isFile()) return { ok: false, why: 'is not a regular file' };
    if (stat.size > maxBytes) return { ok: false, why: `is larger than ${maxBytes} bytes` };
    const buffer = Buffer.alloc(stat.size + 1); // one more byte: a file that grew since stat shows
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > maxBytes) return { ok: false, why: `is larger than ${maxBytes} bytes` };
    return { ok: true, bytes: buffer.subarray(0, bytesRead) };
  } catch (err) {
    return { ok: false, why: await describeError(err, path) };
  } finally {
    await handle.close();
  }
}
