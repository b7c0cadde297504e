// `mail-agent validate` and `mail-agent schema`, driven through main(argv, io).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../agent/cli/main.ts';
import { findSchemaFile } from '../../agent/cli/commands/schema.ts';
import { captureIo } from '../helpers/io.ts';
import { tempDir, validEws, type TempDir } from './helpers.ts';

const repoRoot = resolve(import.meta.dirname, '../..');
let tmp: TempDir;
test.before.each(async () => { tmp = await tempDir(); });
test.after.each(async () => { await tmp.remove(); });

async function validate(args: string[], env: NodeJS.ProcessEnv = {}) {
  const io = captureIo({ cwd: tmp.dir, env });
  const code = await main(['validate', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

test('a valid file: exit 0, "valid"', async () => {
  await tmp.write('good.yaml', validEws);
  const { code, out } = await validate(['good.yaml']);
  assert.is(code, 0);
  assert.is(out, 'good.yaml: valid\n');
});

test('an invalid file: exit 1, one file:line:col line per problem, named as given', async () => {
  await tmp.write('good.yaml', validEws);
  await tmp.write('bad.yaml', `${validEws}  auth: nope\ntest:\n  to: ops\n`);
  const { code, out } = await validate(['good.yaml', 'bad.yaml']);
  assert.is(code, 1);
  assert.equal(out.trimEnd().split('\n'), [
    'good.yaml: valid',
    'bad.yaml:8:9: error: must be one of: ntlm, basic, oauth [/ews/auth enum]',
    'bad.yaml:10:7: error: must be an e-mail address such as name@contoso.com (no display name, no <>) [/test/to format]',
  ]);
});

test('-o json: [{file, revision, valid, errors: [{path, keyword, line, column, message}]}]', async () => {
  const bad = await tmp.write('bad.yaml', `${validEws}  auth: nope\n`);
  const { code, out } = await validate(['-o', 'json', 'bad.yaml', 'missing.yaml']);
  assert.is(code, 1);
  const reports = JSON.parse(out) as unknown[];
  const digest = (await import('node:crypto')).createHash('sha256').update(readFileSync(bad)).digest('hex');
  assert.equal(reports, [
    { file: 'bad.yaml', revision: `sha256:${digest}`, valid: false, reason: 'SchemaViolation', warnings: [],
      errors: [{ path: '/ews/auth', keyword: 'enum', line: 8, column: 9, message: 'must be one of: ntlm, basic, oauth', code: 'SchemaViolation' }] },
    { file: 'missing.yaml', revision: null, valid: false, reason: 'ConfigMissing', warnings: [],
      errors: [{ path: '', keyword: 'file', line: 1, column: 1, message: 'the settings file does not exist', code: 'ConfigMissing' }] },
  ]);
});

test('a problem with the file as a whole (missing, over 1 MiB) is placed at 1:1, in text and in JSON', async () => {
  const { code, out } = await validate(['missing.yaml']);
  assert.is(code, 1);
  assert.is(out, 'missing.yaml:1:1: error: the settings file does not exist [/ file]\n');
  await tmp.write('big.yaml', `${validEws}# ${'x'.repeat(1024 * 1024)}\n`);
  const big = await validate(['big.yaml']);
  assert.is(big.code, 1);
  assert.is(big.out, 'big.yaml:1:1: error: the file is larger than 1048576 bytes (1 MiB) [/ file]\n');
  const json = JSON.parse((await validate(['-o', 'json', 'big.yaml'])).out) as { reason: string; errors: { line: number; column: number }[] }[];
  assert.is(json[0]!.reason, 'ConfigTooLarge');
  assert.equal(json[0]!.errors.map((e) => [e.line, e.column]), [[1, 1]]);
});

test('secrets are read only with --resolve-secrets', async () => {
  await tmp.write('refs.yaml', validEws.replace('{ env: EWS_PASSWORD }', '{ file: /nonexistent/pw }'));
  assert.is((await validate(['refs.yaml'])).code, 0);
  const resolved = await validate(['--resolve-secrets', 'refs.yaml']);
  assert.is(resolved.code, 1);
  assert.match(resolved.out, /refs\.yaml:7:13: error: secret file \/nonexistent\/pw does not exist \[\/ews\/password readable\]/);
  await tmp.write('env.yaml', validEws);
  assert.is((await validate(['--resolve-secrets', 'env.yaml'], { EWS_PASSWORD: 'x' })).code, 0);
});

test('warnings are printed and do not fail validation', async () => {
  await tmp.write('literal.yaml', validEws.replace('{ env: EWS_PASSWORD }', 'hunter2hunter2'), 0o600);
  const { code, out } = await validate(['literal.yaml']);
  assert.is(code, 0);
  assert.match(out, /^literal\.yaml:7:13: warning: the password is written in the file; prefer \{ file: PATH \} or \{ env: NAME \} \[\/ews\/password secret\]\nliteral\.yaml: valid\n$/);
});

test('usage errors exit 64: no file, a bad format, an unknown flag', async () => {
  for (const args of [[], ['-o', 'xml', 'a.yaml'], ['--frobnicate', 'a.yaml']]) {
    const { code, err } = await validate(args);
    assert.is(code, 64);
    assert.match(err, /^mail-agent validate: .+\nRun `mail-agent validate --help`/);
  }
});

test('--help on validate and schema', async () => {
  for (const name of ['validate', 'schema']) {
    const io = captureIo();
    assert.is(await main([name, '--help'], io), 0);
    assert.match(io.out(), new RegExp(`^Usage: mail-agent ${name}`));
  }
});

test('the example settings validate (and name the sandbox defaults)', async () => {
  const io = captureIo({ cwd: repoRoot });
  assert.is(await main(['validate', 'config.example.yaml'], io), 0);
  assert.is(io.out(), 'config.example.yaml: valid\n');
});

test('schema prints the settings schema', async () => {
  const io = captureIo();
  assert.is(await main(['schema'], io), 0);
  assert.equal(JSON.parse(io.out()), JSON.parse(readFileSync(join(repoRoot, 'schemas/mail-settings.schema.json'), 'utf8')));
});

test('schema --status prints the status schema if installed, else fails clearly', async () => {
  const io = captureIo();
  const code = await main(['schema', '--status'], io);
  if (findSchemaFile('status.schema.json') === undefined) {
    assert.is(code, 1);
    assert.match(io.err(), /status file schema \(schemas\/status\.schema\.json\) is not installed/);
  } else {
    assert.is(code, 0);
    assert.ok(JSON.parse(io.out()));
  }
  const empty = await mkdtemp(join(tmpdir(), 'no-schemas-'));
  try {
    assert.is(findSchemaFile('status.schema.json', empty), undefined);
    assert.is(findSchemaFile('mail-settings.schema.json', join(repoRoot, 'agent/cli/commands')), join(repoRoot, 'schemas/mail-settings.schema.json'));
  } finally {
    await rm(empty, { recursive: true });
  }
});

test.run();
