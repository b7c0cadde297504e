// Validates SOAP envelopes with ../shared/ews-schema/validate (xmllint). A missing xmllint fails loudly.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sharedDir } from './helpers.ts';

const run = promisify(execFile);

export async function requireXmllint(): Promise<void> {
  try {
    await run('xmllint', ['--version']);
  } catch (err) {
    throw new Error('xmllint is missing: apt-get install -y libxml2-utils (CI installs it)', { cause: err });
  }
}

/** Runs the validator over the envelopes; resolves to its per-file output, rejects with it when any fails. */
export async function validateEnvelopes(envelopes: readonly string[]): Promise<string> {
  await requireXmllint();
  const dir = await mkdtemp(path.join(tmpdir(), 'ews-validate-'));
  try {
    const files = await Promise.all(envelopes.map(async (xml, i) => {
      const file = path.join(dir, `envelope-${String(i).padStart(3, '0')}.xml`);
      await writeFile(file, xml);
      return file;
    }));
    try {
      const { stdout, stderr } = await run(path.join(sharedDir, 'ews-schema/validate'), files, { maxBuffer: 16 * 1024 * 1024 });
      return stdout + stderr;
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string };
      throw new Error(`schema validation failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`, { cause: err });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
