// A submitted MIME message through the checks of `send` (agent/message/submitted.ts): what is kept byte for
// byte, what is dropped (Bcc) or added (Message-ID, Date, From), how recipients split into To, Cc and Bcc,
// plain-text mode, and the refusals with the same reasons as `send`.
import { simpleParser } from 'mailparser';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { MessageSettings } from '../../agent/config/settings.ts';
import { agentErrorOf } from '../helpers/agent-error.ts';
import { checkSubmission } from '../../agent/message/submitted.ts';

const settings: MessageSettings = { from: 'helpdesk@contoso.com', charset: 'utf-8', plainText: false, fromDelegation: false };
const stamp = { messageId: '<ours@mail-agent.invalid>', date: new Date('2026-01-02T03:04:05Z') };
const crlf = (lines: string[]) => Buffer.from(lines.join('\r\n'), 'latin1');


test('kept as sent: header order, folding, 8-bit bytes, the body; Bcc dropped; recipients split by the headers', async () => {
  const mime = crlf(['From: helpdesk@contoso.com', 'To: a@contoso.com,', ' b@contoso.com', 'Cc: c@contoso.com', 'Bcc: d@contoso.com',
    'Subject: =?iso-8859-1?Q?Gr=FC=DFe?=', 'X-Raw: caf\xe9', 'Message-ID: <theirs@client>', 'Date: Thu, 1 Jan 2026 00:00:00 +0000', '', 'body \xe9', '']);
  const c = await checkSubmission({ mailFrom: 'helpdesk@contoso.com', rcptTo: ['a@contoso.com', 'b@contoso.com', 'c@contoso.com', 'd@contoso.com', 'e@contoso.com'], mime }, settings, stamp);
  assert.equal([c.to, c.cc, c.bcc], [['a@contoso.com', 'b@contoso.com'], ['c@contoso.com'], ['d@contoso.com', 'e@contoso.com']]);
  assert.is(c.messageId, '<theirs@client>');
  assert.is(c.subject, 'Grüße');
  const expected = crlf(['From: helpdesk@contoso.com', 'To: a@contoso.com,', ' b@contoso.com', 'Cc: c@contoso.com',
    'Subject: =?iso-8859-1?Q?Gr=FC=DFe?=', 'X-Raw: caf\xe9', 'Message-ID: <theirs@client>', 'Date: Thu, 1 Jan 2026 00:00:00 +0000', '', 'body \xe9', '']);
  assert.ok(c.mime.equals(expected), c.mime.toString('latin1'));
});

test('added where missing: Message-ID (also for one we could not look up again), Date, and From when message.from is set; LF-only messages too', async () => {
  const c = await checkSubmission({ mailFrom: '', rcptTo: ['a@contoso.com'], mime: Buffer.from('To: a@contoso.com\nMessage-ID: not an id\nSubject: s\n\nhi\n') }, settings, stamp);
  const parsed = await simpleParser(c.mime);
  assert.is(c.messageId, stamp.messageId);
  assert.is(parsed.messageId, stamp.messageId);
  assert.is(parsed.from?.value[0]?.address, 'helpdesk@contoso.com');
  assert.is(parsed.date?.toISOString(), stamp.date.toISOString());
  assert.is(c.from, undefined, 'the null sender has no envelope From');
  assert.not.ok(c.mime.toString().includes('not an id'));
});

test('the sender: MAIL FROM and each From address as send --from is; delegation lets another through as on-behalf', async () => {
  const mime = (from: string) => crlf([`From: ${from}`, 'To: a@contoso.com', 'Subject: s', '', 'x', '']);
  const envelope = await agentErrorOf(checkSubmission({ mailFrom: 'ceo@contoso.com', rcptTo: ['a@contoso.com'], mime: mime('helpdesk@contoso.com') }, settings, stamp));
  assert.is(envelope.code, 'FromNotAllowed');
  const header = await agentErrorOf(checkSubmission({ mailFrom: '', rcptTo: ['a@contoso.com'], mime: mime('CEO <ceo@contoso.com>') }, settings, stamp));
  assert.equal([header.code, header.message], ['FromNotAllowed', "from: ceo@contoso.com is not the default From address and 'From' address delegation (message.fromDelegation) is off"]);
  const delegated = await checkSubmission({ mailFrom: 'ceo@contoso.com', rcptTo: ['a@contoso.com'], mime: mime('ceo@contoso.com') }, { ...settings, fromDelegation: true }, stamp);
  assert.is(delegated.onBehalfOf, 'ceo@contoso.com');
});

test('no message.from and no delegation: the refusal says what to set', async () => {
  const err = await agentErrorOf(checkSubmission({ mailFrom: 'app@contoso.com', rcptTo: ['a@contoso.com'], mime: Buffer.from('To: a@contoso.com\r\n\r\nx') },
    { charset: 'utf-8', plainText: false, fromDelegation: false }, stamp));
  assert.equal([err.code, err.message], ['FromNotAllowed',
    "from: app@contoso.com is not allowed: the settings name no 'From' address (message.from) and 'From' address delegation (message.fromDelegation) is off; set message.from: app@contoso.com"]);
});

test('attachments: their decoded sizes against attachmentLimitMB, with send\'s wording', async () => {
  const payload = Buffer.alloc(150_000, 1).toString('base64').replace(/.{76}/g, '$&\r\n');
  const mime = crlf(['From: helpdesk@contoso.com', 'To: a@contoso.com', 'Subject: s', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary=x', '',
    '--x', 'Content-Type: text/plain', '', 'see', '--x', 'Content-Type: application/octet-stream', 'Content-Disposition: attachment; filename=a.bin',
    'Content-Transfer-Encoding: base64', '', payload, '--x--', '']);
  const err = await agentErrorOf(checkSubmission({ mailFrom: '', rcptTo: ['a@contoso.com'], mime }, { ...settings, attachmentLimitMB: 0.1 }, stamp));
  assert.equal([err.code, err.message], ['AttachmentLimitExceeded', 'attachments total 0.2 MB exceed the 0.1 MB limit']);
  const ok = await checkSubmission({ mailFrom: '', rcptTo: ['a@contoso.com'], mime }, { ...settings, attachmentLimitMB: 1 }, stamp);
  assert.equal(ok.attachments, [{ filename: 'a.bin', contentType: 'application/octet-stream', size: 150_000 }]);
});

test('plain-text mode: HTML-only becomes text/plain in the configured charset; what it cannot encode is refused like send', async () => {
  const html = (body: string) => Buffer.from(['From: helpdesk@contoso.com', 'To: a@contoso.com', 'Subject: s', 'X-Keep: yes', 'MIME-Version: 1.0',
    'Content-Type: text/html; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', body, ''].join('\r\n'), 'utf8');
  const latin = { ...settings, plainText: true, charset: 'iso-8859-1' };
  const c = await checkSubmission({ mailFrom: '', rcptTo: ['a@contoso.com'], mime: html('<p>Größe <b>85 %</b></p>') }, latin, stamp);
  const parsed = await simpleParser(c.mime);
  assert.is(parsed.html, false);
  assert.is(parsed.text?.trim(), 'Größe 85 %');
  assert.match(String(c.mime), /charset=iso-8859-1/);
  assert.is(parsed.headers.get('x-keep'), 'yes');
  assert.equal([c.charset, c.html], ['iso-8859-1', undefined]);
  const euro = await agentErrorOf(checkSubmission({ mailFrom: '', rcptTo: ['a@contoso.com'], mime: html('<p>5 €</p>') }, latin, stamp));
  assert.is(euro.code, 'CharsetUnencodable');
  assert.match(euro.message, /U\+20AC/);
});

test('an envelope recipient that is not an addr-spec is refused', async () => {
  const err = await agentErrorOf(checkSubmission({ mailFrom: '', rcptTo: ['not-an-address'], mime: Buffer.from('To: x\r\n\r\nx') }, settings, stamp));
  assert.is(err.code, 'MessageInvalid');
});

test.run();
