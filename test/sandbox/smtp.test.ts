// The sandbox's SMTP submission port, judged by clients we did not write: Python's smtplib and Debian's
// swaks. What Exchange does (agent/sandbox/smtp/exchange-replies.ts names the sources): STARTTLS first,
// AUTH LOGIN / XOAUTH2 only after it (PLAIN refused 504 5.7.4), 530 5.7.57 for an anonymous MAIL FROM,
// 535 5.7.3 / 5.7.139, 550 5.7.60 for a sender the account may not use, 552 5.3.4 for size; deliveries in
// the same mailboxes and deliveries.jsonl as EWS, one copy per envelope recipient, no Bcc header.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildDirectory } from '../../agent/sandbox/users.ts';
import { spawnCli } from '../helpers/shipped.ts';
import { smtplib, swaks, swaksReplies, type SmtplibRequest } from '../helpers/smtp-clients.ts';
import { needTools } from '../helpers/tools.ts';
import { tempSandbox, type TestSandbox } from './helpers.ts';

const directory = buildDirectory({
  users: [
    { username: 'CORP\\notify', password: 'Notify-1', email: 'notify@corp.test', sendAs: ['helpdesk@corp.test'], sendOnBehalf: ['boss@corp.test'] },
    { username: 'CORP\\locked', password: 'Locked-1', email: 'locked@corp.test', smtpAuthDisabled: true },
  ],
  tokens: [{ token: 'token-of-notify', email: 'notify@corp.test' }],
});

interface Delivery { account: string; from: string; sender: string | null; to: string[]; cc: string[]; bcc: string[]; messageId: string; operation: string; files: string[] }

let sb: TestSandbox;
let small: TestSandbox;

async function deliveries(box: TestSandbox): Promise<Delivery[]> {
  const text = await readFile(path.join(box.dataDir, 'deliveries.jsonl'), 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Delivery);
}

const message = (id: string, headers = 'From: notify@corp.test\r\nTo: ops@corp.test\r\n', body = 'Disk almost full\r\n') =>
  `${headers}Subject: smtp ${id}\r\nMessage-ID: <${id}@client.test>\r\n\r\n${body}`;

function authed(box: TestSandbox, extra: Partial<SmtplibRequest>): SmtplibRequest {
  return { host: '127.0.0.1', port: box.smtp!.port, starttls: true, ca: box.caPath!, user: 'CORP\\notify', password: 'Notify-1', ...extra };
}

async function deliveredById(box: TestSandbox, id: string): Promise<Delivery | undefined> {
  return (await deliveries(box)).find((d) => d.messageId === `<${id}@client.test>`);
}

if (needTools(import.meta.url, test, ['smtplib', 'swaks', 'swaks-tls'])) {
  test.before(async () => {
    sb = await tempSandbox({ directory, smtpPort: 0 });
    small = await tempSandbox({ directory, smtpPort: 0, smtpMaxMessageBytes: 4096, smtpRelayFrom: ['127.0.0.1'] });
  });
  test.after(async () => {
    await sb?.cleanup();
    await small?.cleanup();
  });

  test('EHLO: STARTTLS, SIZE, 8BITMIME, enhanced codes; AUTH (LOGIN, XOAUTH2; no PLAIN) only after STARTTLS', async () => {
    const r = await smtplib({ host: '127.0.0.1', port: sb.smtp!.port, starttls: true, ca: sb.caPath! });
    assert.ok(r.ok, JSON.stringify(r));
    for (const feature of ['starttls', 'size', '8bitmime', 'enhancedstatuscodes', 'pipelining']) assert.ok(r.features?.includes(feature), feature);
    assert.not.ok(r.features?.includes('auth'), 'no AUTH before TLS');
    assert.is(r.size, '36700160');
    assert.ok(r.featuresTls?.includes('auth'));
    assert.equal((r.auth ?? '').trim().split(/\s+/).sort(), ['LOGIN', 'XOAUTH2']);
  });

  test('smtplib logs in by user name or by e-mail address (LOGIN) and sends; one copy per envelope recipient, no Bcc header', async () => {
    const id = 'smtplib-1';
    const r = await smtplib(authed(sb, {
      from: 'notify@corp.test', to: ['ops@corp.test', 'hidden@corp.test'],
      message: message(id, 'From: notify@corp.test\r\nTo: ops@corp.test\r\nBcc: hidden@corp.test\r\n'),
    }));
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.replies.at(-1), { code: 235, text: '2.7.0 Authentication successful' });
    const d = await deliveredById(sb, id);
    assert.ok(d);
    assert.equal([d.account, d.from, d.to, d.bcc, d.operation], ['CORP\\notify', 'notify@corp.test', ['ops@corp.test'], ['hidden@corp.test'], 'SMTP']);
    assert.is(d.files.length, 2);
    const hidden = await simpleParser(await readFile(path.join(sb.dataDir, d.files.find((f) => f.includes('hidden'))!)));
    assert.is(hidden.headers.get('bcc'), undefined);
    const byEmail = await smtplib(authed(sb, { user: 'notify@corp.test', from: 'notify@corp.test', to: ['ops@corp.test'], message: message('smtplib-2') }));
    assert.ok(byEmail.ok, JSON.stringify(byEmail));
  });

  test('AUTH PLAIN is refused as Exchange does: 504 5.7.4', async () => {
    const r = await smtplib(authed(sb, { mechanism: 'PLAIN' }));
    assert.equal(r.error?.code, 504);
    assert.match(r.error!.text, /^5\.7\.4 Unrecognized authentication type/);
  });

  test('a wrong password: 535 5.7.3; SMTP AUTH disabled for the mailbox: 535 5.7.139', async () => {
    const wrong = await smtplib(authed(sb, { password: 'nope' }));
    assert.equal([wrong.error?.code, wrong.error?.text], [535, '5.7.3 Authentication unsuccessful']);
    const locked = await smtplib(authed(sb, { user: 'locked@corp.test', password: 'Locked-1' }));
    assert.is(locked.error?.code, 535);
    assert.match(locked.error!.text, /^5\.7\.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox/);
  });

  test('anonymous: MAIL FROM refused with 530 5.7.57; from an address allowed to relay, delivered as "anonymous"', async () => {
    const r = await smtplib({ host: '127.0.0.1', port: sb.smtp!.port, starttls: true, ca: sb.caPath!, from: 'app@corp.test', to: ['ops@corp.test'], message: message('anon-1') });
    assert.equal([r.error?.kind, r.error?.code, r.error?.text], ['SMTPSenderRefused', 530, '5.7.57 Client not authenticated to send mail.']);
    const relayed = await smtplib({ host: '127.0.0.1', port: small.smtp!.port, from: 'app@corp.test', to: ['ops@corp.test'], message: message('anon-2', 'From: app@corp.test\r\nTo: ops@corp.test\r\n') });
    assert.ok(relayed.ok, JSON.stringify(relayed));
    const d = await deliveredById(small, 'anon-2');
    assert.equal([d?.account, d?.from], ['anonymous', 'app@corp.test']);
  });

  test('the sender: another address is refused after DATA with 550 5.7.60; SendAs and SendOnBehalf grants as with EWS', async () => {
    const denied = await smtplib(authed(sb, { from: 'notify@corp.test', to: ['ops@corp.test'], message: message('as-1', 'From: ceo@corp.test\r\nTo: ops@corp.test\r\n') }));
    assert.equal([denied.error?.kind, denied.error?.code, denied.error?.text], ['SMTPDataError', 550, '5.7.60 SMTP; Client does not have permissions to send as this sender']);
    assert.is(await deliveredById(sb, 'as-1'), undefined);
    const envelope = await smtplib(authed(sb, { from: 'ceo@corp.test', to: ['ops@corp.test'], message: message('as-2') }));
    assert.is(envelope.error?.code, 550, 'MAIL FROM is checked too');
    const sendAs = await smtplib(authed(sb, { from: 'helpdesk@corp.test', to: ['ops@corp.test'], message: message('as-3', 'From: Help Desk <helpdesk@corp.test>\r\nTo: ops@corp.test\r\n') }));
    assert.ok(sendAs.ok, JSON.stringify(sendAs));
    assert.equal([(await deliveredById(sb, 'as-3'))?.from, (await deliveredById(sb, 'as-3'))?.sender], ['helpdesk@corp.test', null]);
    const onBehalf = await smtplib(authed(sb, { from: 'notify@corp.test', to: ['ops@corp.test'], message: message('as-4', 'From: boss@corp.test\r\nTo: ops@corp.test\r\n') }));
    assert.ok(onBehalf.ok, JSON.stringify(onBehalf));
    const d = await deliveredById(sb, 'as-4');
    assert.equal([d?.from, d?.sender], ['boss@corp.test', 'notify@corp.test']);
    const mime = await simpleParser(await readFile(path.join(sb.dataDir, d!.files[0]!)));
    assert.is(mime.headers.get('sender') && (mime.headers.get('sender') as { value: { address: string }[] }).value[0]?.address, 'notify@corp.test');
  });

  test('size: SIZE over the limit refused at MAIL FROM, a longer DATA refused at its end; both 552 5.3.4, nothing delivered', async () => {
    const big = (id: string) => message(id, undefined, `${'x'.repeat(76)}\r\n`.repeat(100));
    // smtplib announces SIZE=<length> by itself when the server offers SIZE.
    const early = await smtplib({ host: '127.0.0.1', port: small.smtp!.port, from: 'app@corp.test', to: ['ops@corp.test'], message: big('big-1') });
    assert.equal([early.error?.kind, early.error?.code, early.error?.text], ['SMTPSenderRefused', 552, '5.3.4 Message size exceeds fixed maximum message size']);
    const late = await smtplib({ host: '127.0.0.1', port: small.smtp!.port, from: 'app@corp.test', to: ['ops@corp.test'], message: big('big-2'), noSize: true });
    assert.equal([late.error?.kind, late.error?.code, late.error?.text], ['SMTPDataError', 552, '5.3.4 Message size exceeds fixed maximum message size']);
    assert.is(await deliveredById(small, 'big-2'), undefined);
  });

  test('8BITMIME: a UTF-8 body arrives byte for byte', async () => {
    const body = 'Grüße aus Köln – “quoted” ✓\r\n';
    const raw = message('8bit-1', 'From: notify@corp.test\r\nTo: ops@corp.test\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n', body);
    const r = await smtplib(authed(sb, { from: 'notify@corp.test', to: ['ops@corp.test'], messageBase64: Buffer.from(raw, 'utf8').toString('base64'), mailOptions: ['BODY=8BITMIME'] }));
    assert.ok(r.ok, JSON.stringify(r));
    const d = await deliveredById(sb, '8bit-1');
    const stored = await readFile(path.join(sb.dataDir, d!.files[0]!));
    assert.ok(stored.includes(Buffer.from(body, 'utf8')), 'the 8-bit body bytes are kept');
  });

  test('XOAUTH2 with a token the sandbox knows, for its owner; someone else\'s user= is refused 535 5.7.3', async () => {
    const xoauth = (user: string, token: string) => `AUTH XOAUTH2 ${Buffer.from(`user=${user}\x01auth=Bearer ${token}\x01\x01`).toString('base64')}`;
    const ok = await smtplib({ host: '127.0.0.1', port: sb.smtp!.port, starttls: true, ca: sb.caPath!, commands: [xoauth('notify@corp.test', 'token-of-notify')] });
    assert.equal(ok.replies[0], { code: 235, text: '2.7.0 Authentication successful' });
    const other = await smtplib({ host: '127.0.0.1', port: sb.smtp!.port, starttls: true, ca: sb.caPath!, commands: [xoauth('locked@corp.test', 'token-of-notify')] });
    assert.equal(other.replies[0], { code: 535, text: '5.7.3 Authentication unsuccessful' });
  });

  test('swaks: STARTTLS with the sandbox\'s CA, AUTH LOGIN, delivered; a 552 refusal', async () => {
    const common = ['--server', `127.0.0.1:${sb.smtp!.port}`, '-tls', '--tls-verify', '--tls-ca-path', sb.caPath!, '-a', 'LOGIN', '-au', 'CORP\\notify', '-ap', 'Notify-1'];
    const sent = await swaks([...common, '--from', 'notify@corp.test', '--to', 'ops@corp.test', '--header', 'Message-Id: <swaks-1@client.test>']);
    assert.is(sent.code, 0, sent.transcript);
    assert.ok(swaksReplies(sent.transcript).some((l) => /^250 2\.6\.0 <swaks-1@client\.test> .*Queued mail for delivery/.test(l)), sent.transcript);
    assert.ok(await deliveredById(sb, 'swaks-1'));
    const big = await swaks(['--server', `127.0.0.1:${small.smtp!.port}`, '--from', 'app@corp.test', '--to', 'ops@corp.test', '--body', 'x'.repeat(6000)]);
    assert.is.not(big.code, 0);
    assert.ok(swaksReplies(big.transcript).some((l) => l.startsWith('552 5.3.4 Message size exceeds fixed maximum message size')), big.transcript);
  });

  test('mail-agent sandbox --smtp-port 0: the ready line names the port, in text and JSON', async () => {
    for (const json of [true, false]) {
      const child = spawnCli(['sandbox', '--port', '0', '--smtp-port', '0', '--data-dir', path.join(sb.dataDir, `cli-${String(json)}`), ...(json ? ['-o', 'json'] : [])]);
      try {
        await child.waitFor(/\n/, 30_000);
        const line = child.output().split('\n')[0]!;
        const smtp = json ? (JSON.parse(line) as { smtp: string }).smtp : / smtp (\S+)$/.exec(line)?.[1];
        assert.match(String(smtp), /^127\.0\.0\.1:\d+$/, line);
        const r = await smtplib({ host: '127.0.0.1', port: Number(String(smtp).split(':')[1]) });
        assert.ok(r.features?.includes('starttls'), JSON.stringify(r));
      } finally {
        await child.kill();
      }
    }
  });
}

test.run();
