// The submission port with a certificate and users: STARTTLS, then AUTH PLAIN or LOGIN (smtplib and swaks),
// no MAIL without AUTH (530), no AUTH before STARTTLS, a wrong password 535; the user in the notifications log;
// a port beyond loopback without TLS and users refused with its line and column, the old port kept.
import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { revisionOf } from '../../agent/config/revision.ts';
import { smtplib, swaks, swaksReplies, type SmtplibRequest } from '../helpers/smtp-clients.ts';
import { generateTestTls } from '../helpers/tls.ts';
import { needTools } from '../helpers/tools.ts';
import { untilLogged } from '../notifications/helpers.ts';
import { rig, type Rig } from '../run/helpers/e2e.ts';
import { listeningPort, mimeMessage, submissionSection } from './helpers.ts';

let r: Rig;
let port: number;
let ca: string;

const section = submissionSection('  tls: { certFile: ./cert.pem, keyFile: ./key.pem }\n  users:\n    - { username: helpdesk, password: { file: ./helpdesk-password } }\n');
const secure = (extra: Partial<SmtplibRequest>): SmtplibRequest => ({ host: '127.0.0.1', port, starttls: true, ca, user: 'helpdesk', password: 'Help-Desk-1', ...extra });


if (needTools(import.meta.url, test, ['smtplib', 'swaks', 'swaks-tls'])) {
  test.before(async () => {
    r = await rig();
    const tls = await generateTestTls();
    const conf = join(r.root, 'conf');
    await copyFile(join(tls.dir, 'server.pem'), join(conf, 'cert.pem'));
    await copyFile(join(tls.dir, 'server-key.pem'), join(conf, 'key.pem'));
    await writeFile(join(conf, 'helpdesk-password'), 'Help-Desk-1\n', { mode: 0o600 });
    ca = tls.caPath;
    await r.write({ extra: section });
    r.startAgent();
    port = await listeningPort(r);
    await r.untilStatus((d) => d.conditions.some((c) => c.type === 'Ready' && c.status === 'True'), 'Ready', 30_000);
  });
  test.after(async () => { await r?.cleanup(); });

  test('EHLO offers STARTTLS and no AUTH before it; after it AUTH PLAIN LOGIN; the status says tls and auth', async () => {
    const res = await smtplib({ host: '127.0.0.1', port, starttls: true, ca });
    assert.ok(res.features?.includes('starttls') && !res.features.includes('auth'), JSON.stringify(res));
    assert.equal((res.auth ?? '').trim().split(/\s+/).sort(), ['LOGIN', 'PLAIN']);
    const doc = await r.untilStatus((d) => d.submission?.state === 'Listening', 'listening');
    assert.equal([doc.submission?.tls, doc.submission?.auth], [true, true]);
  });

  test('smtplib: STARTTLS + AUTH PLAIN, and + AUTH LOGIN; delivered; the user is in the notifications log', async () => {
    for (const mechanism of ['PLAIN', 'LOGIN'] as const) {
      const m = mimeMessage({ subject: `auth ${mechanism}` });
      const res = await smtplib(secure({ mechanism, from: 'svc-notify@contoso.test', to: ['ops@contoso.test'], message: m.raw }));
      assert.ok(res.ok, JSON.stringify(res));
      assert.is(res.replies[0]?.code, 235);
      const line = await untilLogged(r, m.id);
      assert.equal(line.source?.user, 'helpdesk');
    }
  });

  test('refusals: MAIL without AUTH 530, a wrong password 535, AUTH before STARTTLS refused', async () => {
    const anonymous = await smtplib({ host: '127.0.0.1', port, starttls: true, ca, from: 'svc-notify@contoso.test', to: ['ops@contoso.test'], message: mimeMessage().raw });
    assert.equal([anonymous.error?.kind, anonymous.error?.code], ['SMTPSenderRefused', 530]);
    assert.match(anonymous.error!.text, /^5\.7\.0 Authentication required/);
    const wrong = await smtplib(secure({ password: 'nope', mechanism: 'LOGIN' }));
    assert.equal([wrong.error?.code, wrong.error?.text], [535, '5.7.8 Authentication credentials invalid']);
    const clear = await smtplib({ host: '127.0.0.1', port, user: 'helpdesk', password: 'Help-Desk-1', mechanism: 'PLAIN' });
    assert.equal([clear.error?.code, clear.error?.text], [530, '5.7.0 Must issue a STARTTLS command first']);
  });

  test('swaks: STARTTLS verified against the CA, AUTH LOGIN, accepted', async () => {
    const sent = await swaks(['--server', `127.0.0.1:${port}`, '-tls', '--tls-verify', '--tls-ca-path', ca, '-a', 'LOGIN', '-au', 'helpdesk', '-ap', 'Help-Desk-1',
      '--from', 'svc-notify@contoso.test', '--to', 'ops@contoso.test', '--header', 'Message-Id: <swaks-auth-1@client.test>']);
    assert.is(sent.code, 0, sent.transcript);
    assert.ok(swaksReplies(sent.transcript).some((l) => l.startsWith('235 ')), sent.transcript);
    await untilLogged(r, '<swaks-auth-1@client.test>');
  });

  test('listen beyond loopback without tls and users: the file is rejected at its line, the running port stays', async () => {
    const text = await r.write({ extra: 'submission:\n  listen: 0.0.0.0:2525\n' });
    const res = await r.cli(['status', '--status', r.statusPath, '--wait', '--for-revision', revisionOf(text), '--timeout', '30s']);
    assert.is(res.code, 1, res.out + res.err);
    assert.match(res.out + res.err, /needs tls \(STARTTLS\) and users \(AUTH\)/);
    const doc = await r.untilStatus((d) => d.lastRejected !== undefined, 'rejected');
    assert.is(doc.lastRejected?.reason, 'SemanticViolation');
    assert.is(doc.submission?.address, `127.0.0.1:${port}`, 'the last good port keeps listening');
    const still = await smtplib(secure({ from: 'svc-notify@contoso.test', to: ['ops@contoso.test'], message: mimeMessage().raw }));
    assert.ok(still.ok, JSON.stringify(still));
  });
}

test.run();
