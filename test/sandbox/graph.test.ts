// The sandbox's Graph v1.0 mail API from the outside (raw HTTPS), every answer checked against Microsoft's
// metadata: sendMail in JSON and MIME (202, no body), drafts, attachments, upload sessions on their own
// host without a token, send, folder listings with $filter/$select, Send As / on behalf, permissions and
// RBAC scope, the 4 MB limit, throttling, faults and token expiry, deliveries to the same mailboxes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { objectIdOf } from '../../agent/sandbox/graph/context.ts';
import { buildDirectory } from '../../agent/sandbox/users.ts';
import { apps, SECRET } from '../helpers/oauth.ts';
import { checkGraphBody } from '../helpers/graph-schema.ts';
import { tempSandbox, type TestSandbox } from './helpers.ts';
import { answered, graph, graphError, graphToken } from './graph-helpers.ts';

const READWRITE = 'dddddddd-0000-0000-0000-000000000001';
const NOTIFY = 'notify@sandbox.test';

let sandbox: TestSandbox;
let token: string;
let rw: string;

test.before.each(async () => {
  sandbox = await tempSandbox({
    directory: buildDirectory({ users: [
      { username: 'SANDBOX\\notify', password: 'sandbox', email: NOTIFY, sendAs: ['alerts@sandbox.test'], sendOnBehalf: ['boss@sandbox.test'] },
      { username: 'SANDBOX\\other', password: 'sandbox', email: 'other@sandbox.test' },
    ] }),
    apps: await apps({ clientId: READWRITE, secrets: [SECRET], permissions: ['Mail.Send', 'Mail.ReadWrite'], mailboxes: [NOTIFY] }),
  });
  token = await graphToken(sandbox);
  rw = await graphToken(sandbox, READWRITE);
});
test.after.each(async () => { await sandbox.cleanup(); });

async function deliveries(): Promise<Record<string, unknown>[]> {
  const text = await readFile(path.join(sandbox.dataDir, 'deliveries.jsonl'), 'utf8').catch(() => '');
  return text.trim() === '' ? [] : text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

const jsonMessage = (extra: Record<string, unknown> = {}) => ({
  message: { subject: 'Disk almost full', body: { contentType: 'Text', content: '85 % used' }, toRecipients: [{ emailAddress: { address: 'ops@sandbox.test' } }], ...extra },
});

const mime = (from = NOTIFY, id = '<42.1@agent.test>') => Buffer.from([
  `From: ${from}`, 'To: ops@sandbox.test', 'Subject: =?iso-8859-1?Q?Platte_f=FCllt_sich?=', `Message-ID: ${id}`, 'In-Reply-To: <41@agent.test>',
  'MIME-Version: 1.0', 'Content-Type: text/plain; charset=iso-8859-1', 'Content-Transfer-Encoding: quoted-printable', '', 'F=FCllstand 85 %', '',
].join('\r\n'), 'latin1');

test('sendMail in JSON: 202 with no body; delivered; the copy in Sent Items; checked by the metadata', async () => {
  const body = jsonMessage();
  assert.equal(checkGraphBody('sendMail', body), []);
  answered(await graph(sandbox, `${NOTIFY}/sendMail`, { token, json: body }), 202);
  const [d] = await deliveries();
  assert.equal([d?.operation, d?.from, d?.to, d?.subject], ['sendMail', NOTIFY, ['ops@sandbox.test'], 'Disk almost full']);
  const listed = answered(await graph(sandbox, `${NOTIFY}/mailFolders/sentitems/messages?$select=id,internetMessageId,subject`, { token }), 200, 'messages');
  const value = listed.value as Record<string, unknown>[];
  assert.equal([value.length, value[0]?.internetMessageId, value[0]?.subject, 'body' in (value[0] ?? {})], [1, d?.messageId, 'Disk almost full', false]);
});

test('sendMail in MIME: the client\'s bytes are delivered (charset, Message-ID, In-Reply-To kept); bad base64 is 400', async () => {
  answered(await graph(sandbox, `${NOTIFY}/sendMail`, { token, mime: mime() }), 202);
  const [d] = await deliveries();
  assert.is(d?.messageId, '<42.1@agent.test>');
  const eml = await readFile(path.join(sandbox.dataDir, String((d?.files as string[])[0])), 'latin1');
  assert.match(eml, /Subject: =\?iso-8859-1\?Q\?Platte_f=FCllt_sich\?=/);
  assert.match(eml, /In-Reply-To: <41@agent\.test>/);
  assert.match(eml, /F=FCllstand 85 %/);
  graphError(await graph(sandbox, `${NOTIFY}/sendMail`, { token, body: Buffer.from('not base64!'), headers: { 'content-type': 'text/plain' } }), 400, 'ErrorMimeContentInvalidBase64String');
  assert.is((await deliveries()).length, 1);
});

test('Graph\'s 400s for bodies its metadata refuses; nothing is delivered', async () => {
  const typo = { message: { subject: 'x', toRecipient: [{ emailAddress: { address: 'ops@sandbox.test' } }] } };
  assert.match(graphError(await graph(sandbox, `${NOTIFY}/sendMail`, { token, json: typo }), 400, 'RequestBodyRead'), /Property 'toRecipient' does not exist on type 'microsoft\.graph\.message'|property 'toRecipient' does not exist on type 'microsoft\.graph\.message'/i);
  graphError(await graph(sandbox, `${NOTIFY}/sendMail`, { token, json: jsonMessage({ body: { contentType: 'markdown', content: '*x*' } }) }), 400, 'RequestBodyRead');
  graphError(await graph(sandbox, `${NOTIFY}/sendMail`, { token, json: jsonMessage({ attachments: [{ '@odata.type': '#microsoft.graph.fileAttachment', name: 'a', contentBytes: 'not base64!' }] }) }), 400, 'RequestBodyRead');
  graphError(await graph(sandbox, `${NOTIFY}/sendMail`, { token, json: { message: { subject: 'none' } } }), 400, 'ErrorInvalidRecipients');
  graphError(await graph(sandbox, `${NOTIFY}/sendMail`, { token, json: { ...jsonMessage(), saveToSentItem: false } }), 400, 'UnableToDeserializePostBody');
  assert.is((await deliveries()).length, 0);
});

test('Send As and on behalf as the users file grants them; another From is 403 ErrorSendAsDenied', async () => {
  answered(await graph(sandbox, `${NOTIFY}/sendMail`, { token, json: jsonMessage({ from: { emailAddress: { address: 'alerts@sandbox.test' } } }) }), 202);
  answered(await graph(sandbox, `${NOTIFY}/sendMail`, { token, mime: mime('boss@sandbox.test', '<43@agent.test>') }), 202);
  graphError(await graph(sandbox, `${NOTIFY}/sendMail`, { token, json: jsonMessage({ from: { emailAddress: { address: 'ceo@sandbox.test' } } }) }), 403, 'ErrorSendAsDenied');
  const [asAlerts, onBehalf] = await deliveries();
  assert.equal([asAlerts?.from, asAlerts?.sender], ['alerts@sandbox.test', null]);
  assert.equal([onBehalf?.from, onBehalf?.sender], ['boss@sandbox.test', NOTIFY]);
  assert.is((await deliveries()).length, 2);
});

test('tokens, permissions and the RBAC scope: 401 without or with a foreign token, 403 beyond them, 404 for no such user', async () => {
  graphError(await graph(sandbox, `${NOTIFY}/sendMail`, { json: jsonMessage() }), 401, 'InvalidAuthenticationToken');
  graphError(await graph(sandbox, `${NOTIFY}/sendMail`, { token: `${token.slice(0, -6)}AAAAAA`, json: jsonMessage() }), 401, 'InvalidAuthenticationToken');
  graphError(await graph(sandbox, 'other@sandbox.test/sendMail', { token, json: jsonMessage() }), 403, 'ErrorAccessDenied');
  graphError(await graph(sandbox, `${NOTIFY}/messages`, { token, json: { subject: 'draft' } }), 403, 'ErrorAccessDenied');
  graphError(await graph(sandbox, 'nobody@sandbox.test/sendMail', { token, json: jsonMessage() }), 404, 'ErrorInvalidUser');
  answered(await graph(sandbox, `${NOTIFY}/mailFolders/sentitems/messages`, { token: rw }), 200, 'messages');
  const tokenForObjectId = await graph(sandbox, `${objectIdOf(NOTIFY)}/mailFolders/drafts/messages`, { token });
  answered(tokenForObjectId, 200, 'messages');
});

test('drafts: JSON and MIME, small attachments, get with $select, delete; send removes the draft at once', async () => {
  const draft = answered(await graph(sandbox, `${NOTIFY}/messages`, { token: rw, json: { ...jsonMessage().message, internetMessageId: '<d1@agent.test>' } }), 201, 'message');
  assert.equal([draft.isDraft, draft.internetMessageId, draft.subject], [true, '<d1@agent.test>', 'Disk almost full']);
  const id = String(draft.id);
  const attachment = { '@odata.type': '#microsoft.graph.fileAttachment', name: 'df.txt', contentType: 'text/plain', contentBytes: Buffer.from('85 %').toString('base64') };
  assert.equal(checkGraphBody('attachment', attachment), []);
  answered(await graph(sandbox, `${NOTIFY}/messages/${id}/attachments`, { token: rw, json: attachment }), 201, 'attachment');
  const got = answered(await graph(sandbox, `${NOTIFY}/messages/${id}?$select=isDraft,internetMessageId,hasAttachments`, { token: rw }), 200, 'message');
  assert.equal([got.isDraft, got.internetMessageId, got.hasAttachments, got.subject], [true, '<d1@agent.test>', true, undefined]);
  const found = answered(await graph(sandbox, `${NOTIFY}/mailFolders/drafts/messages?$filter=internetMessageId eq '<d1@agent.test>'&$select=id`, { token: rw }), 200, 'messages');
  assert.equal((found.value as { id: string }[]).map((m) => m.id), [id]);
  answered(await graph(sandbox, `${NOTIFY}/messages/${id}/send`, { token: rw, method: 'POST' }), 202);
  graphError(await graph(sandbox, `${NOTIFY}/messages/${id}`, { token: rw }), 404, 'ErrorItemNotFound');
  const [d] = await deliveries();
  assert.equal([d?.operation, d?.messageId], ['send', '<d1@agent.test>']);
  const eml = await readFile(path.join(sandbox.dataDir, String((d?.files as string[])[0])), 'utf8');
  assert.match(eml, /filename=df\.txt/);
  const mimeDraft = answered(await graph(sandbox, `${NOTIFY}/messages`, { token: rw, mime: mime() }), 201, 'message');
  assert.equal([mimeDraft.internetMessageId, mimeDraft.isDraft], ['<42.1@agent.test>', true]);
  answered(await graph(sandbox, `${NOTIFY}/messages/${String(mimeDraft.id)}`, { token: rw, method: 'DELETE' }), 204);
  graphError(await graph(sandbox, `${NOTIFY}/messages/${String(mimeDraft.id)}`, { token: rw }), 404, 'ErrorItemNotFound');
});

test('a large attachment by upload session: its URL on another host, no Authorization, ranges under 4 MiB', async () => {
  const draft = answered(await graph(sandbox, `${NOTIFY}/messages`, { token: rw, mime: mime() }), 201, 'message');
  const content = Buffer.alloc(5 * 1024 * 1024 + 123, 7);
  const request = { AttachmentItem: { attachmentType: 'file', name: 'big.bin', size: content.length, contentType: 'application/octet-stream' } };
  assert.equal(checkGraphBody('createUploadSession', request), []);
  const session = answered(await graph(sandbox, `${NOTIFY}/messages/${String(draft.id)}/attachments/createUploadSession`, { token: rw, json: request }), 201, 'uploadSession');
  const uploadUrl = String(session.uploadUrl);
  assert.is(new URL(uploadUrl).hostname, 'localhost', 'Graph is 127.0.0.1 here: the upload host differs');
  const put = (from: number, to: number, headers: Record<string, string> = {}) => graph(sandbox, '', {
    url: uploadUrl, method: 'PUT', body: content.subarray(from, to + 1), headers: { 'content-range': `bytes ${from}-${to}/${content.length}`, ...headers },
  });
  graphError(await put(0, 1023, { authorization: `Bearer ${rw}` }), 401, 'InvalidAuthenticationToken');
  graphError(await put(0, 4 * 1024 * 1024 + 1), 413, 'RequestEntityTooLarge');
  const first = answered(await put(0, 3 * 1024 * 1024 - 1), 200, 'uploadSession');
  assert.equal(first.nextExpectedRanges, [`${3 * 1024 * 1024}-`]);
  graphError(await put(0, 10), 400, 'InvalidContentRange');
  const last = await put(3 * 1024 * 1024, content.length - 1);
  answered(last, 201);
  assert.match(String(last.headers.location), /\/attachments\//);
  answered(await graph(sandbox, `${NOTIFY}/messages/${String(draft.id)}/send`, { token: rw, method: 'POST' }), 202);
  const [d] = await deliveries();
  const eml = await readFile(path.join(sandbox.dataDir, String((d?.files as string[])[0])), 'latin1');
  assert.match(eml, /Content-Type: multipart\/mixed/);
  assert.match(eml, /Subject: =\?iso-8859-1\?Q\?Platte_f=FCllt_sich\?=/, 'the MIME draft\'s own header kept');
  const b64 = /filename="big\.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n([A-Za-z0-9+/=\r\n]+)\r\n--/.exec(eml)?.[1] ?? '';
  assert.ok(Buffer.from(b64.replace(/\r\n/g, ''), 'base64').equals(content), 'the attachment arrives whole');
});

test('requests over 4 MB are 413; nothing delivered', async () => {
  const big = Buffer.alloc(3_200_000, 65);
  graphError(await graph(sandbox, `${NOTIFY}/sendMail`, { token, mime: Buffer.concat([mime(), big]) }), 413, 'RequestEntityTooLarge');
  assert.is((await deliveries()).length, 0);
});



test('the Sent Items copy appears only after the lag; a token past its expiry is 401 invalid_token', async () => {
  await sandbox.cleanup();
  let now = Date.now();
  sandbox = await tempSandbox({ now: () => new Date(now), limits: { sentItemsLagMs: 5_000 }, apps: await apps() });
  token = await graphToken(sandbox);
  answered(await graph(sandbox, `${NOTIFY}/sendMail`, { token, mime: mime() }), 202);
  const query = `${NOTIFY}/mailFolders/sentitems/messages?$filter=internetMessageId eq '<42.1@agent.test>'&$select=id,internetMessageId`;
  assert.equal(answered(await graph(sandbox, query, { token }), 200, 'messages').value, []);
  now += 5_000;
  assert.is((answered(await graph(sandbox, query, { token }), 200, 'messages').value as unknown[]).length, 1);
  now += 3600_000;
  const expired = await graph(sandbox, query, { token });
  assert.match(graphError(expired, 401, 'InvalidAuthenticationToken'), /the token is expired/);
  assert.match(String(expired.headers['www-authenticate']), /error="invalid_token"/);
});

test('faults: busy is 429 with Retry-After, unavailable 503 with Retry-After, expired 401; none delivers', async () => {
  sandbox.setFaults([{ kind: 'busy', count: 1, backoffMs: 3000 }, { kind: 'unavailable', count: 1, backoffMs: 2000 }, { kind: 'expired', count: 1 }]);
  const busy = await graph(sandbox, `${NOTIFY}/sendMail`, { token, json: jsonMessage() });
  graphError(busy, 429, 'ApplicationThrottled');
  assert.is(busy.headers['retry-after'], '3');
  const unavailable = await graph(sandbox, `${NOTIFY}/sendMail`, { token, json: jsonMessage() });
  graphError(unavailable, 503, 'ServiceNotAvailable');
  assert.is(unavailable.headers['retry-after'], '2');
  graphError(await graph(sandbox, `${NOTIFY}/sendMail`, { token, json: jsonMessage() }), 401, 'InvalidAuthenticationToken');
  assert.is((await deliveries()).length, 0);
  answered(await graph(sandbox, `${NOTIFY}/sendMail`, { token, json: jsonMessage() }), 202);
});

test('reset strikes after the send ran: delivered, the client hears nothing', async () => {
  sandbox.setFaults([{ kind: 'reset', count: 1 }]);
  await graph(sandbox, `${NOTIFY}/sendMail`, { token, mime: mime() }).then(() => assert.unreachable('the connection was cut'), (err: NodeJS.ErrnoException) => {
    assert.ok(['ECONNRESET', 'EPIPE'].includes(err.code ?? '') || /socket hang up/.test(err.message), err.message);
  });
  assert.is((await deliveries()).length, 1);
});

test('at most four requests at once per app and mailbox: the fifth is 429 ApplicationThrottled (another app is not)', async () => {
  sandbox.setFaults([{ kind: 'stall', count: 4 }]);
  const stalled = Array.from({ length: 4 }, () => graph(sandbox, `${NOTIFY}/mailFolders/drafts/messages`, { token }).catch(() => undefined));
  const { waitFor } = await import('../helpers/wait.ts');
  const fifth = async () => (await graph(sandbox, `${NOTIFY}/mailFolders/drafts/messages`, { token })).status === 429;
  await waitFor(fifth, 'the fifth request throttled');
  const throttled = await graph(sandbox, `${NOTIFY}/mailFolders/drafts/messages`, { token });
  assert.match(graphError(throttled, 429, 'ApplicationThrottled'), /MailboxConcurrency/);
  assert.ok(Number(throttled.headers['retry-after']) >= 1);
  answered(await graph(sandbox, `${NOTIFY}/mailFolders/drafts/messages`, { token: rw }), 200, 'messages');
  await sandbox.close();
  await Promise.all(stalled);
});

test.run();
