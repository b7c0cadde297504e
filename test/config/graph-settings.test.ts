// The graph section and the client-credentials block (also under ews with auth oauth): defaults and the
// cloud's hosts, secrets and certificates resolved only after validation (PEM, encrypted keys, PFX), what
// is watched, what is warned about, and the two digests: a rotated credential changes the settings digest
// (verify again) but not the test digest (no second test message).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../agent/config/load.ts';
import type { LoadOptions, LoadResult } from '../../agent/config/load-contract.ts';
import type { LoadedConfig } from '../../agent/config/settings.ts';
import { header, marked, tempDir, type TempDir } from './helpers.ts';

const fixtures = resolve(import.meta.dirname, '../fixtures/oauth');
const app = '  tenant: contoso.onmicrosoft.com\n  clientId: 11111111-2222-3333-4444-555555555555\n';
const graph = (lines: string) => `${header}service: graph\ngraph:\n${app}  mailbox: notify@contoso.com\n${lines}`;
const secretValue = 'Q~s3cr3t.value-0f-the-app';

let tmp: TempDir;
test.before.each(async () => { tmp = await tempDir(); });
test.after.each(async () => { await tmp.remove(); });

async function load(text: string, options: LoadOptions = {}): Promise<LoadResult> {
  return loadConfig(await tmp.write('mail-settings.yaml', text), { env: { GRAPH_SECRET: secretValue, PFX_PASSWORD: 'fixture-pass' }, ...options });
}

async function loaded(text: string, options: LoadOptions = {}): Promise<LoadedConfig> {
  const result = await load(text, options);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.config;
}

async function refused(text: string, reason: string) {
  const result = await load(text);
  if (result.ok) throw new Error('expected the file to be refused');
  assert.is(result.reason, reason);
  assert.not.match(JSON.stringify(result), secretValue);
  assert.not.match(JSON.stringify(result), 'fixture-pass');
  return result.issues[0]!;
}

const fixture = (name: string) => copyFile(join(fixtures, name), join(tmp.dir, name));

test('graph: defaults, the global cloud\'s hosts, the client secret resolved', async () => {
  const config = await loaded(graph('  clientSecret: { env: GRAPH_SECRET }\n'));
  assert.equal(config.settings.graph, {
    credentials: {
      tenant: 'contoso.onmicrosoft.com', clientId: '11111111-2222-3333-4444-555555555555',
      credential: { kind: 'secret', secretRef: { env: 'GRAPH_SECRET' } }, cloud: 'global', authorityHost: 'login.microsoftonline.com',
    },
    mailbox: 'notify@contoso.com', saveCopy: true, rejectInvalidCertificates: true, graphHost: 'graph.microsoft.com',
  });
  assert.is(config.secrets.clientSecret, secretValue);
  assert.is(config.settings.ews, undefined);
  assert.not.match(JSON.stringify(config.settings), secretValue);
});

test('graph: each cloud brings its login and Graph hosts; authorityHost and graphHost override them', async () => {
  const hosts = async (cloud: string) => {
    const g = (await loaded(graph(`  clientSecret: { env: GRAPH_SECRET }\n  cloud: ${cloud}\n`))).settings.graph!;
    return [g.credentials.authorityHost, g.graphHost];
  };
  assert.equal(await hosts('usgov'), ['login.microsoftonline.us', 'graph.microsoft.us']);
  assert.equal(await hosts('usgovdod'), ['login.microsoftonline.us', 'dod-graph.microsoft.us']);
  assert.equal(await hosts('china'), ['login.chinacloudapi.cn', 'microsoftgraph.chinacloudapi.cn']);
  const sandbox = (await loaded(graph('  clientSecret: { env: GRAPH_SECRET }\n  authorityHost: LocalHost:8443\n  graphHost: localhost:8443\n  caFile: ca.pem\n  saveCopy: false\n'),
    { resolveSecrets: false })).settings.graph!;
  assert.equal([sandbox.credentials.authorityHost, sandbox.graphHost, sandbox.caFile, sandbox.saveCopy],
    ['localhost:8443', 'localhost:8443', join(tmp.dir, 'ca.pem'), false]);
});

test('graph: a mailbox given by object id; a client id in capitals is kept lower-case', async () => {
  const text = graph('  clientSecret: { env: GRAPH_SECRET }\n').replace('notify@contoso.com', '6f1f9a3e-2b1c-4d7e-9a8b-0c1d2e3f4a5b')
    .replace('11111111-2222-3333-4444-555555555555', 'AAAAAAAA-2222-3333-4444-555555555555');
  const g = (await loaded(text)).settings.graph!;
  assert.is(g.mailbox, '6f1f9a3e-2b1c-4d7e-9a8b-0c1d2e3f4a5b');
  assert.is(g.credentials.clientId, 'aaaaaaaa-2222-3333-4444-555555555555');
});

test('ews with auth oauth: the same credential block, beside the static token', async () => {
  const ews = `${header}service: ews\news:\n  url: https://outlook.office365.com/EWS/Exchange.asmx\n  auth: oauth\n  username: notify@contoso.com\n${app}  clientSecret: { file: secret }\n`;
  await tmp.write('secret', `${secretValue}\n`);
  const config = await loaded(ews);
  assert.equal(config.settings.ews?.oauth, {
    tenant: 'contoso.onmicrosoft.com', clientId: '11111111-2222-3333-4444-555555555555',
    credential: { kind: 'secret', secretRef: { file: join(tmp.dir, 'secret') } }, cloud: 'global', authorityHost: 'login.microsoftonline.com',
  });
  assert.is(config.secrets.clientSecret, secretValue);
  assert.equal(config.referencedFiles, [join(tmp.dir, 'secret')]);
  const token = await loaded(`${header}service: ews\news:\n  server: x.contoso.com\n  auth: oauth\n  token: { env: GRAPH_SECRET }\n`);
  assert.is(token.settings.ews?.oauth, undefined);
  assert.is(token.secrets.token, secretValue);
});

test('a PEM certificate with its key in keyFile, or in the same file, or encrypted with a password', async () => {
  await Promise.all(['app.pem', 'app-key.pem', 'app-key-encrypted.pem'].map(fixture));
  const separate = await loaded(graph('  certificate: { file: app.pem, keyFile: app-key.pem }\n'));
  assert.match(separate.secrets.certificate?.certPem ?? '', /^-----BEGIN CERTIFICATE-----/);
  assert.match(separate.secrets.certificate?.keyPem ?? '', /^-----BEGIN PRIVATE KEY-----/);
  assert.equal(separate.referencedFiles, [join(tmp.dir, 'app.pem'), join(tmp.dir, 'app-key.pem')]);
  const { readFile, writeFile } = await import('node:fs/promises');
  await writeFile(join(tmp.dir, 'both.pem'), Buffer.concat([await readFile(join(tmp.dir, 'app.pem')), await readFile(join(tmp.dir, 'app-key.pem'))]));
  const combined = await loaded(graph('  certificate: { file: both.pem }\n'));
  assert.is(combined.secrets.certificate?.keyPem, separate.secrets.certificate?.keyPem);
  const encrypted = await loaded(graph('  certificate: { file: app.pem, keyFile: app-key-encrypted.pem, password: { env: PFX_PASSWORD } }\n'));
  assert.is(encrypted.secrets.certificate?.keyPem, separate.secrets.certificate?.keyPem);
});

test('a PFX: AES (OpenSSL 3, Windows), 3DES, and without a password', async () => {
  await Promise.all(['app.pem', 'app-key.pem', 'app-aes.pfx', 'app-3des.pfx', 'app-nopass.pfx'].map(fixture));
  const pem = await loaded(graph('  certificate: { file: app.pem, keyFile: app-key.pem }\n'));
  for (const file of ['app-aes.pfx', 'app-3des.pfx']) {
    const pfx = await loaded(graph(`  certificate: { file: ${file}, password: { env: PFX_PASSWORD } }\n`));
    assert.equal(pfx.secrets.certificate, pem.secrets.certificate, file);
  }
  assert.equal((await loaded(graph('  certificate: { file: app-nopass.pfx }\n'))).secrets.certificate, pem.secrets.certificate);
});

test('certificate mistakes are SecretUnreadable, at the certificate, naming the file and what is wrong', async () => {
  await Promise.all(['app.pem', 'app-key.pem', 'app-key-encrypted.pem', 'app-aes.pfx', 'app-rc2.pfx', 'ec.pem', 'ec-key.pem', 'other-key.pem'].map(fixture));
  const cases: [string, RegExp][] = [
    ['{ file: missing.pem }', /certificate file .*missing\.pem does not exist$/],
    ['{ file: app.pem }', /app\.pem holds no private key: add it to the file, or give certificate\.keyFile$/],
    ['{ file: app.pem, keyFile: other-key.pem }', /holds a private key that does not belong to the certificate$/],
    ['{ file: app.pem, keyFile: app-key-encrypted.pem }', /the private key is encrypted: give certificate\.password$/],
    ['{ file: app.pem, keyFile: app-key-encrypted.pem, password: wrong-one }', /cannot be decrypted with certificate\.password$/],
    ['{ file: ec.pem, keyFile: ec-key.pem }', /has a ec key; the identity platform signs assertions with RSA keys only$/],
    ['{ file: app-aes.pfx, password: wrong-one }', /wrong password\?\)$/],
    ['{ file: app-aes.pfx, keyFile: app-key.pem, password: { env: PFX_PASSWORD } }', /is a PKCS#12 \(PFX\) file, which holds its own key: leave keyFile out$/],
    ['{ file: app-rc2.pfx, password: { env: PFX_PASSWORD } }', /RC2, which OpenSSL 3 no longer offers: convert it/],
    ['{ file: app-key.pem }', /holds no PEM certificate/],
  ];
  for (const [certificate, message] of cases) {
    const { text, line, column } = marked(graph(`  certificate: §${certificate}\n`));
    const issue = await refused(text, 'SecretUnreadable');
    assert.match(issue.message, message, certificate);
    if (certificate.includes('missing')) assert.equal([issue.path, issue.line], ['/graph/certificate/file', line]);
    else assert.equal([issue.path, issue.line, issue.column], ['/graph/certificate', line, column], certificate);
  }
});

test('a missing client secret variable names the variable, at the clientSecret', async () => {
  const { text, line, column } = marked(graph('  clientSecret: §{ env: NOT_SET }\n'));
  const issue = await refused(text, 'SecretUnreadable');
  assert.equal([issue.path, issue.message, issue.line, issue.column], ['/graph/clientSecret', 'environment variable NOT_SET is not set', line, column]);
});

test('literal client secrets and certificate passwords are warned about; certificate checks off too', async () => {
  await Promise.all(['app-aes.pfx'].map(fixture));
  const secret = await loaded(graph(`  clientSecret: ${secretValue}\n  rejectInvalidCertificates: false\n`));
  assert.equal(secret.warnings.map((w) => [w.code, w.path]), [['LiteralSecret', '/graph/clientSecret'], ['InsecureTransport', '/graph/rejectInvalidCertificates']]);
  assert.not.match(JSON.stringify(secret.warnings), secretValue);
  const noCopy = await loaded(graph('  clientSecret: { env: GRAPH_SECRET }\n  saveCopy: false\n'));
  assert.equal(noCopy.warnings.map((w) => [w.code, w.path]), [['IgnoredSetting', '/graph/saveCopy']]);
  const pfx = await loaded(graph('  certificate: { file: app-aes.pfx, password: fixture-pass }\n'));
  assert.equal(pfx.warnings.map((w) => [w.code, w.path]), [['LiteralSecret', '/graph/certificate/password']]);
});

test('validate without --resolve-secrets reads no secret and no certificate', async () => {
  const config = await loaded(graph('  certificate: { file: nowhere.pfx, password: { env: NOT_SET } }\n'), { resolveSecrets: false });
  assert.equal(config.secrets, {});
  assert.equal(config.referencedFiles, [join(tmp.dir, 'nowhere.pfx')]);
});

test('a rotated client secret or certificate changes the settings digest, not the test digest; a new mailbox changes both', async () => {
  await Promise.all(['app.pem', 'app-key.pem', 'other.pem', 'other-key.pem'].map(fixture));
  const text = graph('  clientSecret: { file: secret }\n');
  await tmp.write('secret', 'first-secret-value');
  const before = await loaded(text);
  await tmp.write('secret', 'second-secret-value');
  const rotated = await loaded(text);
  assert.is.not(rotated.settingsDigest, before.settingsDigest);
  assert.is(rotated.testDigest, before.testDigest);
  assert.is.not(before.testDigest, before.settingsDigest);
  const moved = await loaded(text.replace('notify@contoso.com', 'alerts@contoso.com'));
  assert.is.not(moved.testDigest, before.testDigest);

  const cert = graph('  certificate: { file: cert.pem, keyFile: key.pem }\n');
  await copyFile(join(tmp.dir, 'app.pem'), join(tmp.dir, 'cert.pem'));
  await copyFile(join(tmp.dir, 'app-key.pem'), join(tmp.dir, 'key.pem'));
  const first = await loaded(cert);
  await copyFile(join(tmp.dir, 'other.pem'), join(tmp.dir, 'cert.pem'));
  await copyFile(join(tmp.dir, 'other-key.pem'), join(tmp.dir, 'key.pem'));
  const renewed = await loaded(cert);
  assert.is.not(renewed.settingsDigest, first.settingsDigest);
  assert.is(renewed.testDigest, first.testDigest);
});

test('with service: graph an ews section is checked but ignored, and the other way round', async () => {
  const text = graph('  clientSecret: { env: GRAPH_SECRET }\n') + 'ews:\n  server: mail.contoso.com\n  username: u\n  password: { env: NOT_SET }\n';
  const config = await loaded(text);
  assert.is(config.settings.ews, undefined);
  assert.ok(config.settings.graph);
});

test.run();
