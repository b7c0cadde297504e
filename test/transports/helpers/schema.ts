// Validates captured EWS request bodies with ../shared/ews-schema/validate (xmllint).
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const validator = path.resolve(repoRoot, '../shared/ews-schema/validate');

/** Resolves with xmllint's report; rejects when any body is invalid. */
export async function validateRequests(bodies: readonly string[]): Promise<string> {
  if (bodies.length === 0) throw new Error('no requests captured');
  const dir = await mkdtemp(path.join(tmpdir(), 'ews-requests-'));
  try {
    const files = await Promise.all(bodies.map(async (body, i) => {
      const file = path.join(dir, `request-${i}.xml`);
      await writeFile(file, body);
      return file;
    }));
    const { stdout, stderr } = await promisify(execFile)(validator, files);
    return stdout + stderr;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
