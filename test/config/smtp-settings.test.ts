// The `smtp` service section and the `submission` port: defaults, normalization, the rules beyond the
// schema (no encryption only towards loopback; with xoauth2 the username is the mailbox's address; the port
// off loopback only with TLS and AUTH), the client-credentials block under auth xoauth2, secrets, and the
// digests (a rotated app secret is no new test; the port's own digest).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generateTestTls } from '../helpers/tls.ts';
import { header, loadText, marked, tempDir, validEws } from './helpers.ts';
import { loadConfig } from '../../agent/config/load.ts';

const smtp = (lines: string) => `${header}service: smtp\nsmtp:\n${lines}`;
const login = '  username: svc-notify@contoso.com\n  password: { env: EWS_PASSWORD }\n';

async function valid(text: string) {
  const result = await loadText(text, { env: { EWS_PASSWORD: 'pw', APP_SECRET: oauthSecret } });
  if (!result.ok) throw new Error(`expected a valid file: ${JSON.stringify(result.issues)}`);
  return result.config;
}

async function issueAt(text: string) {
  const { text: plain, line, column } = marked(text);
  const result = await loadText(plain, { env: { EWS_PASSWORD: 'pw', APP_SECRET: oauthSecret } });
  assert.not.ok(result.ok, 'expected the file to be refused');
  if (result.ok) throw new Error('unreachable');
  const issue = result.issues[0]!;
  assert.equal([issue.line, issue.column], [line, column], JSON.stringify(result.issues));
  return { reason: result.reason, issue };
}

test('smtp: defaults (starttls on 587, auth login, certificates checked), host lower-cased', async () => {
  const { settings, secrets } = await valid(smtp(`  host: SMTP.Contoso.com\n${login}`));
  assert.equal(settings.smtp, {
    host: 'smtp.contoso.com', port: 587, security: 'starttls', auth: 'login', username: 'svc-notify@contoso.com',
    rejectInvalidCertificates: true, passwordRef: { env: 'EWS_PASSWORD' },
  });
  assert.is(secrets.password, 'pw');
  assert.is(settings.ews, undefined);
});

test('smtp: the port follows security when absent (tls 465, none 25); a given port wins', async () => {
  assert.is((await valid(smtp(`  host: smtp.contoso.com\n  security: tls\n${login}`))).settings.smtp?.port, 465);
  assert.is((await valid(smtp('  host: 127.0.0.1\n  security: none\n  auth: none\n'))).settings.smtp?.port, 25);
  assert.is((await valid(smtp(`  host: smtp.contoso.com\n  port: 2587\n${login}`))).settings.smtp?.port, 2587);
});

test('smtp: auth login needs username and password; auth none takes neither', async () => {
  const missing = await issueAt(`${header}service: smtp\nsmtp:\n  §host: smtp.contoso.com\n`);
  assert.match(missing.issue.message, /needed with auth: login/);
  const extra = await issueAt(smtp('  host: smtp.contoso.com\n  auth: none\n  username: §x\n'));
  assert.match(extra.issue.message, /not used with auth: none/);
  const none = await valid(smtp('  host: relay.contoso.com\n  auth: none\n'));
  assert.equal(none.settings.smtp?.auth, 'none');
  assert.is(none.secrets.password, undefined);
});

test('smtp: a host with a port, or a URL, is refused at the value', async () => {
  for (const host of ['smtp.contoso.com:587', 'smtp://smtp.contoso.com']) {
    const { issue } = await issueAt(smtp(`  host: §${host}\n${login}`));
    assert.match(issue.message, /host name or IP address/);
  }
});

test('smtp: security none towards a non-loopback host is refused; towards loopback it is warned about', async () => {
  const { reason, issue } = await issueAt(smtp(`  host: relay.contoso.com\n  security: §none\n${login}`));
  assert.is(reason, 'SemanticViolation');
  assert.is(issue.path, '/smtp/security');
  assert.match(issue.message, /only towards a loopback host/);
  const local = await valid(smtp(`  host: 127.0.0.1\n  port: 2525\n  security: none\n${login}`));
  assert.ok(local.warnings.some((w) => w.path === '/smtp/security' && w.code === 'InsecureTransport'));
});

test('smtp: a literal password is warned about; the caFile is read and checked', async () => {
  const lit = await valid(smtp('  host: smtp.contoso.com\n  username: u\n  password: hunter2\n'));
  assert.ok(lit.warnings.some((w) => w.path === '/smtp/password' && /written in the file/.test(w.message)));
  assert.not.ok(JSON.stringify(lit.warnings).includes('hunter2'));
  const tmp = await tempDir();
  try {
    const config = await tmp.write('mail-settings.yaml', smtp(`  host: smtp.contoso.com\n  caFile: ./ca.pem\n${login}`));
    const missing = await loadConfig(config, { env: { EWS_PASSWORD: 'pw' } });
    assert.is(missing.ok ? 'ok' : missing.reason, 'CaFileUnreadable');
    if (!missing.ok) assert.is(missing.issues[0]?.path, '/smtp/caFile');
  } finally {
    await tmp.remove();
  }
});

const app = '  tenant: contoso.onmicrosoft.com\n  clientId: 11111111-2222-3333-4444-555555555555\n';
const xoauth2 = (lines: string) => smtp(`  host: smtp.office365.com\n  auth: xoauth2\n${lines}`);
const oauthSecret = 'Q~smtp.app-secret-value';

test('smtp with auth xoauth2: the Graph credential block (secret), the mailbox as username, Exchange Online\'s login host', async () => {
  const { settings, secrets, referencedFiles } = await valid(xoauth2(`  username: notify@contoso.com\n${app}  clientSecret: { env: APP_SECRET }\n`));
  assert.equal(settings.smtp, {
    host: 'smtp.office365.com', port: 587, security: 'starttls', auth: 'xoauth2', username: 'notify@contoso.com', rejectInvalidCertificates: true,
    credentials: {
      tenant: 'contoso.onmicrosoft.com', clientId: '11111111-2222-3333-4444-555555555555',
      credential: { kind: 'secret', secretRef: { env: 'APP_SECRET' } }, cloud: 'global', authorityHost: 'login.microsoftonline.com',
    },
  });
  assert.is(secrets.clientSecret, oauthSecret);
  assert.is(secrets.password, undefined);
  assert.equal(referencedFiles, []);
  assert.not.ok(JSON.stringify(settings).includes(oauthSecret));
});

test('smtp with auth xoauth2: a certificate, a sovereign cloud and an authorityHost; the files are watched', async () => {
  const tmp = await tempDir();
  try {
    const fixtures = path.resolve(import.meta.dirname, '../fixtures/oauth');
    await Promise.all(['app.pem', 'app-key.pem'].map(async (name) => tmp.write(name, await readFile(path.join(fixtures, name)))));
    const text = xoauth2(`  username: notify@contoso.us\n${app}  certificate: { file: app.pem, keyFile: app-key.pem }\n  cloud: usgov\n`);
    const config = await loadConfig(await tmp.write('mail-settings.yaml', text), { env: {} });
    if (!config.ok) throw new Error(JSON.stringify(config.issues));
    assert.equal([config.config.settings.smtp?.credentials?.cloud, config.config.settings.smtp?.credentials?.authorityHost], ['usgov', 'login.microsoftonline.us']);
    assert.match(config.config.secrets.certificate?.keyPem ?? '', /^-----BEGIN PRIVATE KEY-----/);
    assert.equal(config.config.referencedFiles, [path.join(tmp.dir, 'app.pem'), path.join(tmp.dir, 'app-key.pem')]);
    const moved = await loadConfig(await tmp.write('mail-settings.yaml', `${text}  authorityHost: 127.0.0.1:8443\n`), { env: {}, resolveSecrets: false });
    assert.is(moved.ok && moved.config.settings.smtp?.credentials?.authorityHost, '127.0.0.1:8443');
  } finally {
    await tmp.remove();
  }
});

test('smtp with auth xoauth2: each mistake refused at its place, with line and column', async () => {
  const cases: [string, string, RegExp][] = [
    [xoauth2(`  username: §CONTOSO\\\\notify\n${app}  clientSecret: { env: APP_SECRET }\n`), '/smtp/username', /must be the address of the mailbox the app sends as \(e\.g\. notify@contoso\.com\) with auth: xoauth2/],
    [smtp(`  §host: smtp.office365.com\n  auth: xoauth2\n${app}  clientSecret: { env: APP_SECRET }\n`), '/smtp/username', /missing required key "username" \(needed with auth: xoauth2: the address of the mailbox the app sends as/],
    [smtp(`  §host: smtp.office365.com\n  auth: xoauth2\n  username: notify@contoso.com\n${app}`), '/smtp', /give exactly one of clientSecret or certificate/],
    [xoauth2(`  username: notify@contoso.com\n${app}  clientSecret: { env: APP_SECRET }\n  password: §x\n`), '/smtp/password', /is not used with auth: xoauth2 \(the app signs in with clientSecret or certificate\)/],
    [smtp(`  host: smtp.contoso.com\n${login}  tenant: §contoso.onmicrosoft.com\n`), '/smtp/tenant', /is only used with auth: xoauth2/],
    [smtp(`  host: relay.contoso.com\n  auth: none\n  clientSecret: §{ env: APP_SECRET }\n`), '/smtp/clientSecret', /is only used with auth: xoauth2/],
    [xoauth2(`  username: notify@contoso.com\n  tenant: contoso.onmicrosoft.com\n  clientId: §not-a-guid\n  clientSecret: { env: APP_SECRET }\n`), '/smtp/clientId', /must be the application \(client\) id, a GUID/],
    [xoauth2(`  username: notify@contoso.com\n${app}  clientSecret: { env: APP_SECRET }\n  §clientSecert: x\n`), '/smtp/clientSecert', /did you mean "clientSecret"\?/],
    [xoauth2(`  username: notify@contoso.com\n${app}  clientSecret: { env: APP_SECRET }\n  cloud: §azure\n`), '/smtp/cloud', /must be one of: global, usgov, usgovdod, china/],
  ];
  for (const [text, at, message] of cases) {
    const { issue } = await issueAt(text);
    assert.is(issue.path, at, text);
    assert.match(issue.message, message, issue.message);
  }
});

test('smtp with auth xoauth2: secrets as everywhere — a missing variable named at clientSecret, a literal warned about, never echoed', async () => {
  const text = xoauth2(`  username: notify@contoso.com\n${app}  clientSecret: §{ env: NOT_SET }\n`);
  const { reason, issue } = await issueAt(text);
  assert.equal([reason, issue.path, issue.message], ['SecretUnreadable', '/smtp/clientSecret', 'environment variable NOT_SET is not set']);
  const literal = await valid(xoauth2(`  username: notify@contoso.com\n${app}  clientSecret: ${oauthSecret}\n`));
  assert.equal(literal.warnings.map((w) => [w.code, w.path]), [['LiteralSecret', '/smtp/clientSecret']]);
  assert.not.ok(JSON.stringify(literal.warnings).includes(oauthSecret));
});

test('smtp with auth xoauth2: a rotated client secret changes the settings digest (verify again), not the test digest (no test message)', async () => {
  const text = xoauth2(`  username: notify@contoso.com\n${app}  clientSecret: { env: APP_SECRET }\n`);
  const before = await valid(text);
  const rotated = await loadText(text, { env: { APP_SECRET: 'the-rotated-value' } });
  if (!rotated.ok) throw new Error(JSON.stringify(rotated.issues));
  assert.is.not(rotated.config.settingsDigest, before.settingsDigest);
  assert.is(rotated.config.testDigest, before.testDigest);
  const moved = await valid(text.replace('notify@contoso.com', 'alerts@contoso.com'));
  assert.is.not(moved.testDigest, before.testDigest, 'another mailbox is another test');
});

test('submission: listen is split; port 0 is allowed; defaults; users and passwords resolved', async () => {
  const config = await valid(`${validEws}submission:\n  listen: 127.0.0.1:0\n  users:\n    - { username: helpdesk, password: { env: EWS_PASSWORD } }\n`);
  assert.equal(config.settings.submission, {
    listen: '127.0.0.1:0', host: '127.0.0.1', port: 0, maxMessageMB: 35,
    users: [{ username: 'helpdesk', passwordRef: { env: 'EWS_PASSWORD' } }],
  });
  assert.equal([...(config.secrets.submission?.passwords ?? [])], [['helpdesk', 'pw']]);
  const v6 = await valid(`${validEws}submission:\n  listen: '[::1]:2525'\n`);
  assert.equal([v6.settings.submission?.host, v6.settings.submission?.port], ['::1', 2525]);
});

test('submission: beyond loopback without tls and users is refused, naming what is missing', async () => {
  const { reason, issue } = await issueAt(`${validEws}submission:\n  §listen: 0.0.0.0:2525\n`);
  assert.is(reason, 'SemanticViolation');
  assert.match(issue.message, /needs tls \(STARTTLS\) and users \(AUTH\)/);
  const onlyUsers = await issueAt(`${validEws}submission:\n  §listen: 192.0.2.10:2525\n  users: [{ username: a, password: { env: EWS_PASSWORD } }]\n`);
  assert.match(onlyUsers.issue.message, /needs tls \(STARTTLS\):/);
});

test('submission: a host name, a port above 65535, a missing port and a repeated user are refused', async () => {
  assert.match((await issueAt(`${validEws}submission:\n  listen: §mail.contoso.com:2525\n`)).issue.message, /IP address/);
  assert.match((await issueAt(`${validEws}submission:\n  listen: §127.0.0.1:70000\n`)).issue.message, /above 65535/);
  assert.match((await issueAt(`${validEws}submission:\n  listen: §2525\n`)).issue.message, /HOST:PORT/);
  const dup = await issueAt(`${validEws}submission:\n  listen: 127.0.0.1:2525\n  users:\n    - { username: a, password: x }\n    - { username: §A, password: y }\n`);
  assert.match(dup.issue.message, /given twice/);
});

test('submission: TLS files are read (a missing key names its file); beyond loopback with both is valid', async () => {
  const tmp = await tempDir();
  try {
    const tls = await generateTestTls(['localhost']);
    await tmp.write('cert.pem', tls.certPem);
    const text = `${validEws}submission:\n  listen: 0.0.0.0:2525\n  tls: { certFile: cert.pem, keyFile: key.pem }\n  users: [{ username: a, password: { env: EWS_PASSWORD } }]\n`;
    const config = await tmp.write('mail-settings.yaml', text);
    const missing = await loadConfig(config, { env: { EWS_PASSWORD: 'pw' } });
    assert.not.ok(missing.ok);
    if (!missing.ok) {
      assert.is(missing.reason, 'SecretUnreadable');
      assert.is(missing.issues[0]?.path, '/submission/tls/keyFile');
      assert.match(missing.issues[0]!.message, /key\.pem does not exist/);
    }
    await tmp.write('key.pem', tls.keyPem);
    const ok = await loadConfig(config, { env: { EWS_PASSWORD: 'pw' } });
    if (!ok.ok) throw new Error(JSON.stringify(ok.issues));
    assert.ok(ok.config.secrets.submission?.tls?.key.equals(Buffer.from(tls.keyPem)));
    assert.ok(ok.config.referencedFiles.includes(`${tmp.dir}/key.pem`));
    assert.ok(ok.config.referencedFiles.includes(`${tmp.dir}/cert.pem`));
  } finally {
    await tmp.remove();
  }
});

test('submission has its own digest: changing it leaves the settings digest (and the transport) alone', async () => {
  const a = await valid(`${validEws}submission:\n  listen: 127.0.0.1:2525\n`);
  const b = await valid(`${validEws}submission:\n  listen: 127.0.0.1:2526\n`);
  const none = await valid(validEws);
  assert.is(a.settingsDigest, b.settingsDigest);
  assert.is(a.settingsDigest, none.settingsDigest);
  assert.ok(a.submissionDigest && b.submissionDigest && a.submissionDigest !== b.submissionDigest);
  assert.is(none.submissionDigest, undefined);
  const rotated = await loadText(`${validEws}submission:\n  listen: 127.0.0.1:2525\n  users: [{ username: a, password: { env: EWS_PASSWORD } }]\n`, { env: { EWS_PASSWORD: 'other' } });
  const before = await valid(`${validEws}submission:\n  listen: 127.0.0.1:2525\n  users: [{ username: a, password: { env: EWS_PASSWORD } }]\n`);
  assert.ok(rotated.ok && rotated.config.submissionDigest !== before.submissionDigest, 'a rotated password restarts the port');
});

test('a literal submission password is warned about, never echoed', async () => {
  const config = await valid(`${validEws}submission:\n  listen: 127.0.0.1:2525\n  users: [{ username: helpdesk, password: s3cret-value }]\n`);
  const warning = config.warnings.find((w) => w.path === '/submission/users/0/password');
  assert.ok(warning);
  assert.match(warning.message, /password of submission user helpdesk/);
  assert.not.ok(JSON.stringify(config.warnings).includes('s3cret-value'));
});

test.run();
