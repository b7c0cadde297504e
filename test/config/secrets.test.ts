// Secrets and the caFile: read only after validation and only when asked; a failure names the
// reference and never the value; literal secrets are warned about.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../../agent/config/load.ts';
import type { LoadResult } from '../../agent/config/load-contract.ts';
import { header, marked, tempDir, type TempDir } from './helpers.ts';

const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const secretValue = 'Tr0ub4dor&3-secret';
const ews = (lines: string) => `${header}service: ews\news:\n  server: mail.contoso.com\n${lines}`;

let tmp: TempDir;
test.before.each(async () => { tmp = await tempDir(); });
test.after.each(async () => { await tmp.remove(); });

async function load(text: string, options: Parameters<typeof loadConfig>[1] = {}): Promise<LoadResult> {
  return loadConfig(await tmp.write('mail-settings.yaml', text), options);
}

function refusedWith(result: LoadResult, reason: string) {
  if (result.ok) throw new Error('expected the file to be refused');
  assert.is(result.reason, reason);
  assert.not.match(JSON.stringify(result), secretValue);
  const issue = result.issues[0];
  if (!issue) throw new Error('no issue');
  return issue;
}

test('{ env } is resolved from the given environment', async () => {
  const result = await load(ews('  username: u\n  password: { env: EWS_PASSWORD }\n'), { env: { EWS_PASSWORD: secretValue } });
  assert.ok(result.ok && result.config.secrets.password === secretValue);
});

test('{ file } is read, one trailing newline dropped, relative to the settings file', async () => {
  await tmp.write('pw', `${secretValue}\n`);
  const result = await load(ews('  username: u\n  password: { file: pw }\n'));
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  assert.is(result.config.secrets.password, secretValue);
  assert.equal(result.config.referencedFiles, [join(tmp.dir, 'pw')]);
});

test('an oauth token from a file', async () => {
  await tmp.write('token', `${secretValue}\r\n`);
  const result = await load(ews('  auth: oauth\n  token: { file: token }\n'));
  assert.ok(result.ok && result.config.secrets.token === secretValue && result.config.secrets.password === undefined);
});

test('a missing secret file: SecretUnreadable naming the file, at the reference', async () => {
  const { text, line, column } = marked(ews('  username: u\n  password: §{ file: missing-pw }\n'));
  const issue = refusedWith(await load(text), 'SecretUnreadable');
  assert.is(issue.message, `secret file ${join(tmp.dir, 'missing-pw')} does not exist`);
  assert.equal([issue.path, issue.line, issue.column], ['/ews/password', line, column]);
});

test('an unreadable secret file (a directory; and mode 000 when not root)', async () => {
  await mkdir(join(tmp.dir, 'pw-dir'));
  const issue = refusedWith(await load(ews('  username: u\n  password: { file: pw-dir }\n')), 'SecretUnreadable');
  assert.match(issue.message, /pw-dir is a directory, not a file$/);
  if (process.getuid?.() !== 0) {
    await tmp.write('pw-locked', secretValue, 0o000);
    const locked = refusedWith(await load(ews('  username: u\n  password: { file: pw-locked }\n')), 'SecretUnreadable');
    assert.match(locked.message, /permission denied/);
  }
});

test('a secret file that is a device or a FIFO is refused without hanging', async () => {
  refusedWith(await load(ews('  username: u\n  password: { file: /dev/zero }\n')), 'SecretUnreadable');
  execFileSync('mkfifo', [join(tmp.dir, 'fifo')]);
  const issue = refusedWith(await load(ews('  username: u\n  password: { file: fifo }\n')), 'SecretUnreadable');
  assert.match(issue.message, /is not a regular file$/);
});

test('an empty secret, a missing variable, an empty variable', async () => {
  await tmp.write('empty', '\n');
  assert.match(refusedWith(await load(ews('  username: u\n  password: { file: empty }\n')), 'SecretUnreadable').message, /is empty$/);
  assert.is(refusedWith(await load(ews('  username: u\n  password: { env: NOPE }\n'), { env: {} }), 'SecretUnreadable').message,
    'environment variable NOPE is not set');
  assert.match(refusedWith(await load(ews('  username: u\n  password: { env: PW }\n'), { env: { PW: '' } }), 'SecretUnreadable').message, /PW is empty/);
});

test('without resolveSecrets nothing is read: missing references still validate', async () => {
  const result = await load(ews('  username: u\n  password: { file: missing }\n  caFile: missing.pem\n'), { resolveSecrets: false, env: {} });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  assert.equal(result.config.secrets, {});
  assert.equal(result.config.referencedFiles, [join(tmp.dir, 'missing'), join(tmp.dir, 'missing.pem')]);
});

test('secrets are not read when the file is invalid', async () => {
  // Reading /dev/zero would be SecretUnreadable: the schema's verdict comes first, and alone.
  const result = await load(ews('  username: u\n  password: { file: /dev/zero }\n  auth: nope\n'));
  assert.is(!result.ok && result.reason, 'SchemaViolation');
});

test('caFile: read and checked when resolving; CaFileUnreadable when missing or not PEM', async () => {
  await tmp.write('ca.pem', pem);
  assert.ok((await load(ews('  username: u\n  password: { env: PW }\n  caFile: ca.pem\n'), { env: { PW: 'x' } })).ok);
  const { text, line, column } = marked(ews('  username: u\n  password: { env: PW }\n  caFile: §nope.pem\n'));
  const missing = refusedWith(await load(text, { env: { PW: 'x' } }), 'CaFileUnreadable');
  assert.equal([missing.path, missing.line, missing.column], ['/ews/caFile', line, column]);
  assert.match(missing.message, /nope\.pem does not exist$/);
  await tmp.write('not.pem', 'hello');
  assert.match(refusedWith(await load(ews('  username: u\n  password: { env: PW }\n  caFile: not.pem\n'), { env: { PW: 'x' } }), 'CaFileUnreadable').message, /holds no PEM certificate/);
});

test('a literal password: LiteralSecret when only the owner can read the file, InsecureSecret otherwise', async () => {
  const text = ews(`  username: u\n  password: ${secretValue}\n`);
  const { line, column } = marked(ews(`  username: u\n  password: §${secretValue}\n`));
  const privateFile = await loadConfig(await tmp.write('private.yaml', text, 0o600));
  if (!privateFile.ok) throw new Error(JSON.stringify(privateFile.issues));
  assert.equal(privateFile.config.warnings.map((w) => [w.code, w.path, w.line, w.column]), [['LiteralSecret', '/ews/password', line, column]]);
  assert.is(privateFile.config.secrets.password, secretValue);
  assert.equal(privateFile.config.settings.ews?.passwordRef, { literal: true });
  const shared = await loadConfig(await tmp.write('shared.yaml', text, 0o644), { resolveSecrets: false });
  if (!shared.ok) throw new Error(JSON.stringify(shared.issues));
  assert.equal(shared.config.warnings.map((w) => w.code), ['InsecureSecret']);
  assert.not.match(JSON.stringify(shared.config.warnings), secretValue);
  assert.equal(shared.config.secrets, {});
});

test.run();
