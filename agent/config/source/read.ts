// Reading the settings file, capped: a file over the cap is refused without being held in memory
// (its revision is still computed, streaming, so a pipeline waiting for it sees it was rejected).
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { revisionOf } from '../digest.ts';

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

export async function readSettingsBytes(path: string): Promise<SettingsBytes> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    const code = (err as { code?: string }).code;
    return code === 'ENOENT' || code === 'ENOTDIR'
      ? { ok: false, reason: 'ConfigMissing', revision: undefined, message: 'the settings file does not exist' }
      : { ok: false, reason: 'ConfigUnreadable', revision: undefined, message: `the settings file cannot be read (${code ?? 'error'})` };
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return { ok: false, reason: 'ConfigUnreadable', revision: undefined, message: 'the settings path is not a regular file' };
    if (stat.size > maxSettingsBytes) {
      const hash = createHash('sha256');
      for await (const chunk of handle.createReadStream({ autoClose: false })) hash.update(chunk as Buffer);
      return tooLarge(`sha256:${hash.digest('hex')}`);
    }
    return checkBytes(await handle.readFile());
  } catch (err) {
    return { ok: false, reason: 'ConfigUnreadable', revision: undefined, message: `the settings file cannot be read (${(err as { code?: string }).code ?? 'error'})` };
  } finally {
    await handle.close();
  }
}
