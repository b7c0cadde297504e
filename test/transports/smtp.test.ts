// service: smtp against the sandbox's SMTP port (real STARTTLS, real AUTH, Exchange's replies) and, for what a
// real server will not do on cue (drop the connection right after the final "."), a scripted test double.
// Verify goes as far as AUTH and sends nothing; replies map to reasons and to transient or permanent.
import { readFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildDirectory } from '../../agent/sandbox/users.ts';
import { agentErrorOf } from '../helpers/agent-error.ts';
import { classifyFailure } from '../../agent/queue/outcome.ts';
import { SmtpTransport } from '../../agent/transports/smtp/transport.ts';
import type { SmtpAuth, SmtpSessionOptions } from '../../agent/transports/smtp/session.ts';
import type { OutgoingMessage } from '../../agent/transports/transport.ts';
import { trustContext } from '../../agent/transports/tls.ts';
import { startTestSandbox, type TestSandbox } from './helpers/sandbox.ts';
import { scriptedSmtp, type ScriptedSmtp } from './helpers/scripted-smtp.ts';

const notify = { username: 'CONTOSO\\svc-notify', password: 'T3st-Passw0rd!', email: 'svc-notify@contoso.test' };
const directory = buildDirectory({
  users: [
    { ...notify, sendAs: ['helpdesk@contoso.test'] },
    { username: 'CONTOSO\\locked', password: 'Locked-1', email: 'locked@contoso.test', smtpAuthDisabled: true },
  ],
});

let sb: TestSandbox;
let plain: TestSandbox;
let scripted: ScriptedSmtp;

async function options(box: TestSandbox, auth: SmtpAuth, extra: Partial<SmtpSessionOptions> = {}): Promise<SmtpSessionOptions> {
  return {
    host: '127.0.0.1', port: box.smtp!.port, security: 'starttls', auth, rejectUnauthorized: true,
    secureContext: await trustContext(box.caPath), timeoutMs: 10_000, ...extra,
  };
}

const login = (username = notify.username, password = notify.password): SmtpAuth => ({ kind: 'login', username, password });

function message(id: string, headers = `From: ${notify.email}\r\nTo: ops@contoso.test\r\n`, bcc: string[] = []): OutgoingMessage {
  const mime = Buffer.from(`${headers}Subject: transport ${id}\r\nMessage-ID: <${id}@test>\r\n\r\nbody of ${id}\r\n`);
  return { messageId: `<${id}@test>`, from: notify.email, to: ['ops@contoso.test'], cc: [], bcc, subject: `transport ${id}`, mime };
}


test.before(async () => {
  sb = await startTestSandbox({ directory, smtpPort: 0 });
  plain = await startTestSandbox({ directory, smtpPort: 0, http: true });
  scripted = await scriptedSmtp();
});
test.after(async () => {
  await sb?.cleanup();
  await plain?.cleanup();
  await scripted?.close();
});

test('verify: connect, STARTTLS with the caFile, EHLO, AUTH; nothing is sent', async () => {
  const before = (await sb.deliveries()).length;
  const transport = new SmtpTransport(await options(sb, login()));
  const info = await transport.verify();
  assert.equal(info, { service: 'smtp', endpoint: `smtp://127.0.0.1:${sb.smtp!.port}`, auth: 'login', account: notify.username });
  assert.is((await sb.deliveries()).length, before);
  await transport.close();
});

test('verify: a wrong password is AuthFailed (535 5.7.3); SMTP AUTH disabled is SmtpAuthDisabled (535 5.7.139); both permanent', async () => {
  const wrong = await agentErrorOf(new SmtpTransport(await options(sb, login(notify.username, 'nope'))).verify());
  assert.equal([wrong.code, wrong.serverCode, wrong.transient], ['AuthFailed', '535 5.7.3', false]);
  assert.not.ok(wrong.message.includes('nope'), 'the password is never in the message');
  const locked = await agentErrorOf(new SmtpTransport(await options(sb, login('locked@contoso.test', 'Locked-1'))).verify());
  assert.equal([locked.code, locked.serverCode, locked.transient], ['SmtpAuthDisabled', '535 5.7.139', false]);
  assert.match(locked.message, /SmtpClientAuthenticationDisabled/);
  assert.ok(classifyFailure(locked).transient, 'queued notifications wait for the mailbox to be fixed');
});

test('verify: an untrusted certificate is CertificateRejected; STARTTLS not offered is a ProtocolError; refused connection is transient', async () => {
  const untrusted = await agentErrorOf(new SmtpTransport({ ...(await options(sb, login())), secureContext: await trustContext(undefined) }).verify());
  assert.is(untrusted.code, 'CertificateRejected');
  const noTls = await agentErrorOf(new SmtpTransport(await options(plain, login())).verify());
  assert.is(noTls.code, 'ProtocolError');
  assert.match(noTls.message, /did not start TLS/);
  const refused = await agentErrorOf(new SmtpTransport({ ...(await options(sb, login())), port: 1 }).verify());
  assert.equal([refused.code, refused.transient], ['ConnectionFailed', true]);
});

test('a port that never greets (not an SMTP port): a transient Timeout that asks whether it is one', async () => {
  const silent = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  try {
    const port = (silent.address() as AddressInfo).port;
    const err = await agentErrorOf(new SmtpTransport({ ...(await options(sb, login())), port, timeoutMs: 1_500 }).verify());
    assert.equal([err.code, err.transient], ['Timeout', true]);
    assert.match(err.message, new RegExp(`^127\\.0\\.0\\.1:${port} accepted the connection but sent no SMTP greeting: is the port an SMTP port`), err.message);
  } finally {
    silent.close();
  }
});

test('send: delivered to every envelope recipient, Bcc only in the envelope', async () => {
  const transport = new SmtpTransport(await options(sb, login()));
  await transport.send(message('send-1', undefined, ['hidden@contoso.test']));
  const d = (await sb.deliveries()).find((x) => x.messageId === '<send-1@test>');
  assert.ok(d);
  assert.equal([d.to, d.bcc], [['ops@contoso.test'], ['hidden@contoso.test']]);
  const eml = await simpleParser(await readFile(path.join(sb.dataDir, d.files[0]!)));
  assert.is(eml.headers.get('bcc'), undefined);
  await transport.close();
});

test('send: a sender the account may not use is SendAsDenied (550 5.7.60), permanent; auth none where AUTH is needed is AuthRequired (530 5.7.57)', async () => {
  const transport = new SmtpTransport(await options(sb, login()));
  const denied = await agentErrorOf(transport.send(message('send-2', 'From: ceo@contoso.test\r\nTo: ops@contoso.test\r\n')));
  assert.equal([denied.code, denied.serverCode, denied.transient], ['SendAsDenied', '550 5.7.60', false]);
  await transport.close();
  const anonymous = new SmtpTransport(await options(sb, { kind: 'none' }));
  assert.is((await anonymous.verify()).auth, 'none', 'verify without AUTH passes: the server says no only at MAIL FROM');
  const required = await agentErrorOf(anonymous.send({ ...message('send-3'), from: 'app@contoso.test' }));
  assert.equal([required.code, required.serverCode, required.transient], ['AuthRequired', '530 5.7.57', false]);
  await anonymous.close();
});

test('send: a message over the server\'s SIZE is MessageTooLarge, permanent', async () => {
  const small = await startTestSandbox({ directory, smtpPort: 0, smtpMaxMessageBytes: 2000 });
  try {
    const transport = new SmtpTransport(await options(small, login()));
    const big = message('send-4');
    const tooLarge = await agentErrorOf(transport.send({ ...big, mime: Buffer.concat([big.mime, Buffer.alloc(4000, 'x')]) }));
    assert.equal([tooLarge.code, tooLarge.transient], ['MessageTooLarge', false]);
    await transport.close();
  } finally {
    await small.cleanup();
  }
});

test('a connection lost after the final "." is transient with an unknown outcome, and says it is sent again; before DATA it is not "after"', async () => {
  const transport = new SmtpTransport({ host: '127.0.0.1', port: scripted.port, security: 'none', auth: { kind: 'none' }, rejectUnauthorized: true, secureContext: await trustContext(undefined), timeoutMs: 5_000 });
  scripted.afterData.push('drop');
  const lost = await agentErrorOf(transport.send(message('lost-1')));
  assert.ok(lost.transient);
  assert.ok(classifyFailure(lost).maybeSent, 'recorded as outcome unknown');
  assert.match(lost.message, /after the whole message was sent: SMTP cannot tell whether the server took it; it is sent again \(at least once\)/);
  scripted.afterData.push({ reply: '451 4.3.2 System not accepting network messages' });
  const busy = await agentErrorOf(transport.send(message('busy-1')));
  assert.equal([busy.code, busy.serverCode, busy.transient], ['ServerBusy', '451 4.3.2', true]);
  assert.not.ok(classifyFailure(busy).maybeSent, 'the server answered: it did not take it');
  await transport.close();
});

test('sessions are kept between messages, and one the server closed while idle is replaced before anything is sent', async () => {
  const transport = new SmtpTransport({ host: '127.0.0.1', port: scripted.port, security: 'none', auth: { kind: 'none' }, rejectUnauthorized: true, secureContext: await trustContext(undefined), timeoutMs: 5_000 });
  const before = scripted.connections;
  await transport.send(message('keep-1'));
  await transport.send(message('keep-2'));
  assert.is(scripted.connections - before, 1, 'one session for both');
  scripted.closeAfterMessage = true;
  await transport.send(message('keep-3'));
  // Whether the close has reached us by now or not, the next send must not fail for it.
  scripted.closeAfterMessage = false;
  await transport.send(message('keep-4'));
  assert.ok(scripted.messages.some((m) => m.includes('keep-4')));
  await transport.close();
});

test.run();
