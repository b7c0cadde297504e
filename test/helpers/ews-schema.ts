// Checks SOAP envelopes (requests or answers) against Microsoft's EWS schema carried in
// test/fixtures/ews-schema (see its SOURCE.md), with xmllint. Without xmllint the check is left out and
// named in the end-of-run summary (in CI it fails: ./tools.ts).
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { toolForCheck } from './tools.ts';

const run = promisify(execFile);
export const ewsSchemaDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/ews-schema');
export const ewsSamplesDir = path.join(ewsSchemaDir, 'samples');

/**
 * Resolves with xmllint's per-file report when every envelope validates (undefined when xmllint is missing
 * outside CI); rejects with the report otherwise.
 */
export async function validateEnvelopes(envelopes: readonly string[]): Promise<string | undefined> {
  if (envelopes.length === 0) throw new Error('no envelopes to validate');
  if (!toolForCheck('xmllint', 'EWS schema checks (Microsoft XSDs)')) return undefined;
  const dir = await mkdtemp(path.join(tmpdir(), 'ews-validate-'));
  try {
    const files = await Promise.all(envelopes.map(async (xml, i) => {
      const file = path.join(dir, `envelope-${String(i).padStart(3, '0')}.xml`);
      await writeFile(file, xml);
      return file;
    }));
    try {
      const args = ['--noout', '--nonet', '--schema', path.join(ewsSchemaDir, 'ews-envelope.xsd'), ...files];
      const { stdout, stderr } = await run('xmllint', args, { maxBuffer: 16 * 1024 * 1024 });
      return stdout + stderr;
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string };
      throw new Error(`schema validation failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`, { cause: err });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
