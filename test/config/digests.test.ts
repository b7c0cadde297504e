// The revision (sha256 of the bytes, as sha256sum prints it) and the settings digest (normalized
// settings plus secret hashes): a comment-only edit keeps the digest, a rotated secret changes it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { loadConfig } from '../../agent/config/load.ts';
import type { LoadedConfig } from '../../agent/config/settings.ts';
import { header, tempDir, type TempDir } from './helpers.ts';

let tmp: TempDir;
test.before.each(async () => { tmp = await tempDir(); });
test.after.each(async () => { await tmp.remove(); });

const base = `${header}service: ews\news:\n  server: mail.contoso.com\n  username: u\n  password: { file: pw }\n`;

async function loaded(text: string, name = 'a.yaml'): Promise<LoadedConfig> {
  const result = await loadConfig(await tmp.write(name, text));
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.config;
}

test.before.each(async () => { await tmp.write('pw', 'first'); });

test('the revision is what sha256sum prints for the file', async () => {
  const config = await loaded(base);
  const printed = execFileSync('sha256sum', [config.path], { encoding: 'utf8' }).split(' ')[0];
  assert.is(config.revision, `sha256:${printed}`);
});

test('a comment-only or formatting edit: new revision, same settings digest', async () => {
  const a = await loaded(base, 'a.yaml');
  const b = await loaded(`# edited by hand\n${base.replace('password: { file: pw }', 'password:\n    file: pw   # mounted secret')}`, 'b.yaml');
  assert.is.not(a.revision, b.revision);
  assert.is(a.settingsDigest, b.settingsDigest);
});

test('a changed setting changes the digest; writing out a default does not', async () => {
  const a = await loaded(base);
  assert.is.not((await loaded(`${base}  saveCopy: false\n`, 'b.yaml')).settingsDigest, a.settingsDigest);
  assert.is((await loaded(`${base}  saveCopy: true\n`, 'c.yaml')).settingsDigest, a.settingsDigest);
});

test('a rotated secret file changes the digest, not the revision', async () => {
  const a = await loaded(base);
  await tmp.write('pw', 'second');
  const b = await loaded(base);
  assert.is(a.revision, b.revision);
  assert.is.not(a.settingsDigest, b.settingsDigest);
  assert.is(b.secrets.password, 'second');
  assert.not.match(JSON.stringify({ ...b, secrets: undefined }), 'second'); // only in secrets
});

test('a changed caFile changes the digest', async () => {
  const withCa = `${base}  caFile: ca.pem\n`;
  await tmp.write('ca.pem', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
  const a = await loaded(withCa);
  await tmp.write('ca.pem', '-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----\n');
  assert.is.not((await loaded(withCa)).settingsDigest, a.settingsDigest);
});

test('an edit to the section of the service not in use keeps the digest', async () => {
  const a = await loaded(`${base}mapi:\n  profile: one\n`);
  const b = await loaded(`${base}mapi:\n  profile: two\n`, 'b.yaml');
  assert.is(a.settingsDigest, b.settingsDigest);
});

test.run();
