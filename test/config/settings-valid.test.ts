// Each setting's valid forms, and what the loader makes of them (defaults, normalization).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Settings } from '../../agent/config/settings.ts';
import { header, loadText, validEws } from './helpers.ts';

async function settingsOf(text: string): Promise<Settings> {
  const result = await loadText(text, { resolveSecrets: false });
  if (!result.ok) throw new Error(`expected a valid file: ${JSON.stringify(result.issues)}`);
  return result.config.settings;
}

const ews = (lines: string) => `${header}service: ews\news:\n${lines}`;

test('defaults fill what the file leaves out', async () => {
  const s = await settingsOf(validEws);
  assert.equal(s.message, { charset: 'utf-8', plainText: false, fromDelegation: false });
  assert.equal(s.test, { onChange: true });
  assert.equal(s.ews, {
    url: 'https://mail.contoso.com/EWS/Exchange.asmx', endpointSource: 'url', username: 'CONTOSO\\svc-notify',
    auth: 'ntlm', version: 'auto', rejectInvalidCertificates: true, allowInsecureHttp: false, saveCopy: true,
    passwordRef: { env: 'EWS_PASSWORD' },
  });
  assert.is(s.mapi, undefined);
});

test('message options, all given', async () => {
  const s = await settingsOf(`${validEws}message:\n  from: helpdesk@contoso.com\n  charset: ISO-8859-1\n  plainText: true\n  attachmentLimitMB: 2.5\n  fromDelegation: true\n`);
  assert.equal(s.message, { from: 'helpdesk@contoso.com', charset: 'ISO-8859-1', plainText: true, attachmentLimitMB: 2.5, fromDelegation: true });
});

test('addresses: quoted local parts, plus tags and domain literals are addr-specs', async () => {
  for (const from of ['"help desk"@contoso.com', 'ops+mail@contoso.com', 'root@[192.0.2.1]', 'a.b-c@sub.contoso.co.uk']) {
    const s = await settingsOf(`${validEws}message:\n  from: '${from}'\n`);
    assert.is(s.message.from, from);
  }
});

test('charsets iconv-lite encodes are accepted', async () => {
  for (const charset of ['utf-8', 'windows-1252', 'koi8-r', 'shift_jis', 'gb2312']) {
    assert.is((await settingsOf(`${validEws}message:\n  charset: ${charset}\n`)).message.charset, charset);
  }
});

test('ews.server expands to its EWS URL', async () => {
  const s = await settingsOf(ews('  server: mail.contoso.com\n  username: u\n  password: { env: PW }\n'));
  assert.is(s.ews?.url, 'https://mail.contoso.com/EWS/Exchange.asmx');
  assert.is(s.ews?.endpointSource, 'server');
  const withPort = await settingsOf(ews('  server: mail.contoso.com:8443\n  username: u\n  password: { env: PW }\n'));
  assert.is(withPort.ews?.url, 'https://mail.contoso.com:8443/EWS/Exchange.asmx');
});

test('ews.url is normalized (host case, default port)', async () => {
  const s = await settingsOf(ews('  url: https://MAIL.Contoso.com:443/EWS/Exchange.asmx\n  username: u\n  password: { env: PW }\n'));
  assert.is(s.ews?.url, 'https://mail.contoso.com/EWS/Exchange.asmx');
});

test('ews.url over http with the opt-in is valid, and warned about', async () => {
  const result = await loadText(ews('  url: http://localhost:8080/EWS/Exchange.asmx\n  allowInsecureHttp: true\n  username: u\n  password: { env: PW }\n'), { resolveSecrets: false });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  assert.is(result.config.settings.ews?.allowInsecureHttp, true);
  assert.equal(result.config.warnings.map((w) => [w.code, w.path, w.line, w.column]), [['InsecureTransport', '/ews/url', 5, 8]]);
});

test('transport security switched off is warned about (InsecureTransport) where the file says so; an opt-in with no effect is not', async () => {
  const warnings = async (lines: string) => {
    const result = await loadText(ews(`${lines}  username: u\n  password: { env: PW }\n`), { resolveSecrets: false });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    return result.config.warnings.map((w) => [w.code, w.keyword, w.path, w.line, w.column]);
  };
  // autodiscover may hand out an http:// URL, which allowInsecureHttp then accepts.
  assert.equal(await warnings('  autodiscover: svc@contoso.com\n  allowInsecureHttp: true\n'),
    [['InsecureTransport', 'encryption', '/ews/allowInsecureHttp', 6, 22]]);
  assert.equal(await warnings('  server: mail.contoso.com\n  rejectInvalidCertificates: false\n'),
    [['InsecureTransport', 'certificates', '/ews/rejectInvalidCertificates', 6, 30]]);
  assert.equal(await warnings('  autodiscover: svc@contoso.com\n  allowInsecureHttp: true\n  rejectInvalidCertificates: false\n'), [
    ['InsecureTransport', 'encryption', '/ews/allowInsecureHttp', 6, 22],
    ['InsecureTransport', 'certificates', '/ews/rejectInvalidCertificates', 7, 30]]);
  // server: and an https url: are always https; allowInsecureHttp changes nothing there.
  assert.equal(await warnings('  server: mail.contoso.com\n  allowInsecureHttp: true\n'), []);
  assert.equal(await warnings('  url: https://mail.contoso.com/EWS/Exchange.asmx\n  allowInsecureHttp: true\n'), []);
});

test('ews.autodiscover keeps no URL', async () => {
  const s = await settingsOf(ews('  autodiscover: svc-notify@contoso.com\n  username: u\n  password: { env: PW }\n'));
  assert.is(s.ews?.autodiscover, 'svc-notify@contoso.com');
  assert.is(s.ews?.url, undefined);
  assert.is(s.ews?.endpointSource, 'autodiscover');
});

test('ews: auth oauth with a token, basic, explicit version and flags', async () => {
  const oauth = await settingsOf(ews('  server: x.contoso.com\n  auth: oauth\n  token: { file: token.txt }\n'));
  assert.is(oauth.ews?.auth, 'oauth');
  assert.ok(oauth.ews?.tokenRef && 'file' in oauth.ews.tokenRef && oauth.ews.tokenRef.file.endsWith('/token.txt'));
  const basic = await settingsOf(ews('  server: x.contoso.com\n  auth: basic\n  username: u@contoso.com\n  password: { env: PW }\n  version: Exchange2010_SP2\n  rejectInvalidCertificates: false\n  saveCopy: false\n  caFile: /etc/ssl/ca.pem\n'));
  assert.equal([basic.ews?.auth, basic.ews?.version, basic.ews?.rejectInvalidCertificates, basic.ews?.saveCopy, basic.ews?.caFile],
    ['basic', 'Exchange2010_SP2', false, false, '/etc/ssl/ca.pem']);
});

test('relative caFile and secret paths are relative to the settings file', async () => {
  const result = await loadText(ews('  server: x.contoso.com\n  username: u\n  password: { file: secrets/pw }\n  caFile: ca.pem\n'), { resolveSecrets: false });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  const dir = result.config.path.slice(0, result.config.path.lastIndexOf('/'));
  assert.equal(result.config.settings.ews?.passwordRef, { file: `${dir}/secrets/pw` });
  assert.is(result.config.settings.ews?.caFile, `${dir}/ca.pem`);
  assert.equal(result.config.referencedFiles, [`${dir}/secrets/pw`, `${dir}/ca.pem`]);
});

test('mapi: the default profile, or a named one; the unused ews section is dropped', async () => {
  assert.equal((await settingsOf(`${header}service: mapi\nmapi: {}\n`)).mapi, { profile: 'default' });
  const named = await settingsOf(`${header}service: mapi\nmapi:\n  profile: Notifications\n${validEws.split('service: ews\n')[1] ?? ''}`);
  assert.equal(named.mapi, { profile: 'Notifications' });
  assert.is(named.ews, undefined);
});

test('test: recipient and onChange', async () => {
  assert.equal((await settingsOf(`${validEws}test:\n  to: ops@contoso.com\n  onChange: false\n`)).test, { to: 'ops@contoso.com', onChange: false });
});

test('the result is frozen, all the way down', async () => {
  const result = await loadText(validEws);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  const { config } = result;
  for (const part of [config, config.settings, config.settings.ews, config.settings.ews?.passwordRef, config.settings.message, config.secrets, config.warnings, config.referencedFiles]) {
    assert.ok(Object.isFrozen(part));
  }
});

test('YAML anchors and aliases within the cap are fine', async () => {
  const s = await settingsOf(`${validEws}message:\n  from: &ops ops@contoso.com\ntest:\n  to: *ops\n`);
  assert.is(s.test.to, 'ops@contoso.com');
});

test.run();
