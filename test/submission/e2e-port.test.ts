// The SMTP submission port end to end, judged by Python's smtplib and Debian's swaks: the real agent process
// (EWS over HTTPS + NTLM to the real sandbox) takes messages on its port and delivers them. Plain on loopback,
// the client's MIME kept (charset, 8-bit body, attachments), Bcc from the envelope and never as a header, the
// source in the notifications log, the checks of `send` as SMTP replies (552 attachments, 550 From, 552 SIZE),
// plain-text mode, a restart of the port alone when its section changes, and a port already in use.
import { createServer, type Server } from 'node:net';
import { simpleParser } from 'mailparser';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { revisionOf } from '../../agent/config/revision.ts';
import type { Child } from '../helpers/child.ts';
import { smtplib, swaks, swaksReplies } from '../helpers/smtp-clients.ts';
import { needTools } from '../helpers/tools.ts';
import { emlOf, untilDelivered, untilLogged, type Delivery } from '../notifications/helpers.ts';
import { rig, type Rig, type SettingsOptions } from '../run/helpers/e2e.ts';
import { listeningPort, mimeMessage, queuedMessageIds, submissionSection } from './helpers.ts';

let r: Rig;
let agent: Child;
let port: number;

async function apply(o: SettingsOptions): Promise<void> {
  const text = await r.write(o);
  const res = await r.cli(['status', '--status', r.statusPath, '--wait', '--for-revision', revisionOf(text), '--timeout', '30s']);
  assert.is(res.code, 0, res.out + res.err + agent.output());
}

function deliveredById(id: string): Promise<Delivery> {
  return r.untilDeliveries((list) => list.find((d) => d.messageId === id), `${id} delivered`);
}

const submit = (message: string, extra: Partial<Parameters<typeof smtplib>[0]> = {}) =>
  smtplib({ host: '127.0.0.1', port, from: 'svc-notify@contoso.test', to: ['ops@contoso.test'], message, ...extra });

if (needTools(import.meta.url, test, ['smtplib', 'swaks'])) {
  test.before(async () => {
    r = await rig();
    await r.write({ message: '  attachmentLimitMB: 0.1\n', extra: submissionSection() });
    agent = r.startAgent();
    port = await listeningPort(r);
    await r.untilStatus((d) => d.conditions.some((c) => c.type === 'Ready' && c.status === 'True'), 'Ready', 30_000);
  });
  test.after(async () => { await r?.cleanup(); });

  test('the status file and the log name the port picked for port 0; EHLO offers SIZE, 8BITMIME, no AUTH on loopback', async () => {
    const doc = await r.untilStatus((d) => d.submission !== undefined, 'submission');
    assert.equal({ ...doc.submission, since: undefined }, { listen: '127.0.0.1:0', address: `127.0.0.1:${port}`, state: 'Listening', tls: false, auth: false, since: undefined });
    assert.match(agent.output(), `"address":"127.0.0.1:${port}"`);
    const hello = await smtplib({ host: '127.0.0.1', port });
    assert.ok(hello.features?.includes('8bitmime') && hello.features.includes('size') && !hello.features.includes('auth'), JSON.stringify(hello));
    assert.is(hello.size, String(35 * 1024 * 1024));
  });

  test('smtplib: accepted (250 only once queued), delivered through EWS; Bcc from the envelope, never a header; the source logged', async () => {
    const m = mimeMessage({ headers: 'Bcc: audit@contoso.test' });
    const res = await submit(m.raw, { to: ['ops@contoso.test', 'audit@contoso.test'] });
    assert.ok(res.ok, JSON.stringify(res));
    const d = await deliveredById(m.id) as Delivery & { bcc: string[] };
    assert.equal([d.to, d.bcc], [['ops@contoso.test'], ['audit@contoso.test']]);
    const eml = await emlOf(r, d);
    assert.not.match(eml.toString('latin1'), /^bcc:/im);
    const line = await untilLogged(r, m.id);
    assert.is(line?.source?.via, 'smtp');
    assert.match(String(line?.source?.client), /^127\.0\.0\.1:\d+$/);
    const text = await r.cli(['log', '--state-dir', r.stateDir, '--tail', '5']);
    assert.match(text.out, /from smtp 127\.0\.0\.1:\d+/);
  });

  test('8BITMIME: a UTF-8 body and an ISO-8859-1 message keep their bytes and charset', async () => {
    const utf8 = mimeMessage({ headers: 'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit', body: 'Grüße – “Köln” ✓' });
    const res = await submit('', { messageBase64: Buffer.from(utf8.raw, 'utf8').toString('base64'), mailOptions: ['BODY=8BITMIME'] });
    assert.ok(res.ok, JSON.stringify(res));
    assert.ok((await emlOf(r, await deliveredById(utf8.id))).includes(Buffer.from('Grüße – “Köln” ✓', 'utf8')));
    const latin = mimeMessage({ headers: 'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit', body: 'Größe: 85 %' });
    const latinRes = await submit('', { messageBase64: Buffer.from(latin.raw, 'latin1').toString('base64'), mailOptions: ['BODY=8BITMIME'] });
    assert.ok(latinRes.ok, JSON.stringify(latinRes));
    const parsed = await simpleParser(await emlOf(r, await deliveredById(latin.id)));
    assert.is(parsed.text?.trim(), 'Größe: 85 %');
    assert.match(String(parsed.headers.get('content-type') && (parsed.headers.get('content-type') as { params: { charset: string } }).params.charset), /iso-8859-1/i);
  });

  test('attachments over message.attachmentLimitMB: 552 5.3.4 at DATA with the reason, nothing queued', async () => {
    const boundary = 'b-1';
    const attachment = Buffer.alloc(200_000, 7).toString('base64').replace(/.{76}/g, '$&\r\n');
    const m = mimeMessage({
      headers: `MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="${boundary}"`,
      body: `--${boundary}\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--${boundary}\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="dump.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n${attachment}\r\n--${boundary}--`,
    });
    const res = await submit(m.raw);
    assert.equal([res.error?.kind, res.error?.code], ['SMTPDataError', 552], JSON.stringify(res));
    assert.match(res.error!.text, /^5\.3\.4 attachments total 0\.2 MB exceed the 0\.1 MB limit; nothing queued/);
    assert.not.ok((await queuedMessageIds(r)).includes(m.id), 'nothing queued');
    const after = mimeMessage();
    assert.ok((await submit(after.raw)).ok);
    await deliveredById(after.id);
    assert.not.ok((await r.sandbox.deliveries()).some((d) => d.messageId === m.id));
  });

  test('a sender the settings would not let us send as: 550 5.7.1 with the reason, at MAIL FROM and for the From header', async () => {
    const envelope = await submit(mimeMessage().raw, { from: 'ceo@contoso.test' });
    assert.equal([envelope.error?.kind, envelope.error?.code], ['SMTPSenderRefused', 550]);
    assert.match(envelope.error!.text, /^5\.7\.1 from: ceo@contoso\.test is not the default From address and 'From' address delegation \(message\.fromDelegation\) is off; nothing queued/);
    const header = await submit(mimeMessage({ from: 'CEO <ceo@contoso.test>' }).raw);
    assert.equal([header.error?.kind, header.error?.code], ['SMTPDataError', 550]);
    assert.match(header.error!.text, /^5\.7\.1 from: ceo@contoso\.test is not the default From/);
  });

  test('swaks: plain submission accepted; SIZE over maxMessageMB refused early with 552', async () => {
    const sent = await swaks(['--server', `127.0.0.1:${port}`, '--from', 'svc-notify@contoso.test', '--to', 'ops@contoso.test', '--header', 'Message-Id: <swaks-in-1@client.test>']);
    assert.is(sent.code, 0, sent.transcript);
    assert.ok(swaksReplies(sent.transcript).some((l) => /^250 2\.6\.0 <swaks-in-1@client\.test> queued as /.test(l)), sent.transcript);
    await deliveredById('<swaks-in-1@client.test>');
    const huge = await smtplib({ host: '127.0.0.1', port, commands: [`MAIL FROM:<svc-notify@contoso.test> SIZE=${40 * 1024 * 1024}`] });
    assert.is(huge.replies[0]?.code, 552, JSON.stringify(huge));
    assert.match(huge.replies[0]!.text, /^5\.3\.4 /);
  });

  test('plain-text mode: an HTML message goes out as text/plain (its text part), attachments kept, other headers kept', async () => {
    await apply({ message: '  plainText: true\n', extra: submissionSection() });
    const b = 'alt-1';
    const m = mimeMessage({
      headers: `X-Ticket: 4711\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="mix"`,
      body: `--mix\r\nContent-Type: multipart/alternative; boundary="${b}"\r\n\r\n--${b}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nTicket 4711 closed\r\n--${b}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p><b>Ticket 4711</b> closed</p>\r\n--${b}--\r\n--mix\r\nContent-Type: text/csv\r\nContent-Disposition: attachment; filename="log.csv"\r\n\r\na,b\r\n--mix--`,
    });
    port = await listeningPort(r);
    assert.ok((await submit(m.raw)).ok);
    const parsed = await simpleParser(await emlOf(r, await deliveredById(m.id)));
    assert.is(parsed.html, false);
    assert.is(parsed.text?.trim(), 'Ticket 4711 closed');
    assert.equal(parsed.attachments.map((a) => a.filename), ['log.csv']);
    assert.is(parsed.headers.get('x-ticket'), '4711');
  });

  test('a change to the submission section restarts the port only: no new test message; a port in use is Failed, named', async () => {
    const before = await r.testMessages();
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const busy = (blocker.address() as { port: number }).port;
    try {
      await apply({ message: '  plainText: true\n', extra: submissionSection().replace('127.0.0.1:0', `127.0.0.1:${busy}`) });
      const doc = await r.untilStatus((d) => d.submission?.state === 'Failed', 'the port failed');
      assert.equal([doc.submission?.reason, doc.submission?.listen], ['ListenFailed', `127.0.0.1:${busy}`]);
      assert.match(String(doc.submission?.message), /EADDRINUSE: the address is in use/);
      assert.is(doc.conditions.find((c) => c.type === 'TestMessageDelivered')?.reason, 'SettingsUnchanged');
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
    await apply({ message: '  plainText: true\n', extra: submissionSection() });
    port = await listeningPort(r, '127.0.0.1:0');
    assert.ok((await submit(mimeMessage().raw)).ok);
    assert.is(await r.testMessages(), before, 'the transport was not re-proven');
    await untilDelivered(r, 'submitted', 1);
  });
}

test.run();
