// Reading the settings file, capped: a file over the cap is refused without being held in memory
// (its revision is still computed, streaming, so a pipeline waiting for it sees it was rejected).
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { deniedAt, isPermissionError } from '../denied-path.ts';
import { revisionOf } from '../revision.ts';

export const maxSettingsBytes = 1024 * 1024;

export type SettingsBytes =
  | { ok: true; bytes: Buffer; revision: string }
  | { ok: false; reason: 'ConfigMissing' | 'ConfigUnreadable' | 'ConfigTooLarge'; revision: string | undefined; message: string };

function tooLarge(revision: string): SettingsBytes {
  return { ok: false, reason: 'ConfigTooLarge', revision, message: `the file is larger than ${maxSettingsBytes} bytes (1 MiB)` };
}

export function checkBytes(bytes: Buffer): SettingsBytes {
  const revision = revisionOf(bytes);
  return bytes.length > maxSettingsBytes ? tooLarge(revision) : { ok: true, bytes, revision };
}

/** Why the settings file cannot be read; for a permission error, the path in the way (file or folder). */
export async function unreadableMessage(path: string, code: string | undefined): Promise<string> {
  const why = `the settings file cannot be read (${code ?? 'error'})`;
  return isPermissionError(code) ? `${why}: ${await deniedAt(path)}` : why;
}

export async function readSettingsBytes(path: string): Promise<SettingsBytes> {
  let handle;
  try {
    // O_NONBLOCK: a FIFO with no writer must not hang the open; it is refused below as not a file.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, reason: 'ConfigMissing', revision: undefined, message: 'the settings file does not exist' };
    return { ok: false, reason: 'ConfigUnreadable', revision: undefined, message: await unreadableMessage(path, code) };
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return { ok: false, reason: 'ConfigUnreadable', revision: undefined, message: 'the settings path is not a regular file' };
    if (stat.size > maxSettingsBytes) {
      const hash = createHash('sha256');
      for await (const chunk of handle.createReadStream({ autoClose: false })) hash.update(chunk as Buffer);
      return tooLarge(`sha256:${hash.digest('hex')}`);
    }
    // One read of the size fstat gave, plus a byte to notice a file that grew meanwhile.
    const buffer = Buffer.allocUnsafe(stat.size + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return checkBytes(bytesRead <= stat.size ? buffer.subarray(0, bytesRead) : await handle.readFile());
  } catch (err) {
    return { ok: false, reason: 'ConfigUnreadable', revision: undefined, message: await unreadableMessage(path, (err as { code?: string }).code) };
  } finally {
    await handle.close();
  }
}
