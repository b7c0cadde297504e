// One read of the desired state: the settings file's bytes and a digest over it and every file it
// references (secret files, caFile), so that a rotated secret is a change of the settings too.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { revisionOf } from '../config/revision.ts';

export type SourceSnapshot =
  | { kind: 'present'; bytes: Buffer; revision: string; digest: string }
  | { kind: 'missing'; digest: string }
  | { kind: 'unreadable'; code: string; digest: string };

async function readOrCode(path: string): Promise<Buffer | string> {
  try {
    return await readFile(path);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? 'EIO';
  }
}

export async function takeSnapshot(settingsPath: string, referencedFiles: readonly string[]): Promise<SourceSnapshot> {
  const settings = await readOrCode(settingsPath);
  const hash = createHash('sha256');
  hash.update(typeof settings === 'string' ? `settings:${settings}\n` : `settings:${revisionOf(settings)}\n`);
  for (const file of [...referencedFiles].sort()) {
    const content = await readOrCode(file);
    // Only a hash of each secret enters the digest, never the bytes themselves.
    hash.update(`${file}\0${typeof content === 'string' ? content : revisionOf(content)}\n`);
  }
  const digest = 'sha256:' + hash.digest('hex');
  if (typeof settings !== 'string') return { kind: 'present', bytes: settings, revision: revisionOf(settings), digest };
  if (settings === 'ENOENT' || settings === 'ENOTDIR') return { kind: 'missing', digest };
  return { kind: 'unreadable', code: settings, digest };
}
