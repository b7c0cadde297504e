// The precompiled settings validator the build ships (scripts/settings-validator.ts) judges every document
// exactly as ajv compiling schemas/mail-settings.schema.json does: same verdict, same errors, same defaults
// filled in.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { runInThisContext } from 'node:vm';
import fc from 'fast-check';
import { parse } from 'yaml';
import type { ValidateFunction } from 'ajv';
import schema from '../../schemas/mail-settings.schema.json' with { type: 'json' };
import { createSettingsAjv, settingsFormats } from '../../agent/config/schema/validator.ts';
import { settingsValidatorSource } from '../../scripts/settings-validator.ts';

const require = createRequire(import.meta.url);
const repoRoot = path.resolve(import.meta.dirname, '../..');
/** The generated CommonJS, run as the build's file would be (its require resolves from the repository). */
function loadGenerated(): ValidateFunction {
  const module = { exports: {} as unknown };
  (runInThisContext(`(function (module, require) {${settingsValidatorSource()}\n})`) as (m: typeof module, r: NodeJS.Require) => void)(module, require);
  return (module.exports as (f: typeof settingsFormats) => ValidateFunction)(settingsFormats);
}
const generated = loadGenerated();
const compiled = createSettingsAjv(true, false).compile(schema);

const example = parse(readFileSync(path.join(repoRoot, 'config.example.yaml'), 'utf8')) as Record<string, unknown>;
const mapi = { apiVersion: 'mail-agent/v1', kind: 'MailSettings', service: 'mapi', mapi: { profile: 'Outlook' }, message: { from: 'a@b.test' } };

function judge(validate: ValidateFunction, document: unknown): { ok: boolean; errors: unknown; data: unknown } {
  const data = structuredClone(document);
  const ok = validate(data);
  return { ok, errors: validate.errors ?? null, data };
}

function agree(document: unknown): void {
  assert.equal(judge(generated, document), judge(compiled, document));
}

test('the examples: valid, with the same defaults filled in', () => {
  for (const document of [example, mapi, { ...example, ews: { ...(example.ews as object), version: 'Exchange2016', auth: 'basic' } }]) {
    assert.ok(judge(generated, document).ok);
    agree(document);
  }
});

test('known faults: the same errors', () => {
  const ews = example.ews as Record<string, unknown>;
  for (const document of [
    {}, null, 'text', [], { ...example, colour: 'blue' }, { ...example, service: 'smtp' }, { ...example, message: { from: 'not an address' } },
    { ...example, ews: { ...ews, url: 'relative/path' } }, { ...example, ews: { ...ews, password: 'inline' } },
    { ...example, test: { to: 42 } }, { ...mapi, mapi: {} }, { ...example, message: { attachmentLimitMB: -1 } },
  ]) agree(document);
});

test('any value put anywhere in a valid document: the same verdict, errors and defaults', () => {
  const keys = (value: unknown): string[][] => value !== null && typeof value === 'object'
    ? Object.entries(value).flatMap(([k, v]) => [[k], ...keys(v).map((rest) => [k, ...rest])]) : [];
  const paths = [...keys(example), ['extra'], ['ews', 'extra'], ['message', 'charset']];
  const put = (document: unknown, at: string[], value: unknown): unknown => {
    const copy = structuredClone(document) as Record<string, unknown>;
    let node = copy;
    for (const key of at.slice(0, -1)) {
      if (node[key] === null || typeof node[key] !== 'object') node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[at.at(-1)!] = value;
    return copy;
  };
  const values = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('a@b.test', 'https://x.test/EWS/Exchange.asmx', 'Exchange2013', 'ntlm', 'oauth', { env: 'X' }, { file: './f' }, ''));
  fc.assert(fc.property(fc.constantFrom(...paths), values, (at, value) => agree(put(example, at, value))), { numRuns: 400 });
});

test.run();
