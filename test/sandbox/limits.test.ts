// The sandbox's Exchange limits on the wire, with raw SOAP: each answer's shape, the Outbox and Sent Items,
// the advised back-off enforced and logged, /sandbox/limits, and the `mail-agent sandbox` flags.
// (exchangelib-limits.test.ts has an independent client go through each mode.)
import { request } from 'node:https';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../agent/cli/main.ts';
import { changeLimits, parseMessageRate } from '../../agent/sandbox/limits/options.ts';
import { captureIo } from '../helpers/io.ts';
import { waitFor } from '../helpers/wait.ts';
import { createItem, DEFAULT_AUTH, post, soap, tempSandbox, type TestSandbox } from './helpers.ts';
import { readThrottleLog } from './limits-helpers.ts';

const TO = '<t:ToRecipients><t:Mailbox><t:EmailAddress>ops@example.test</t:EmailAddress></t:Mailbox></t:ToRecipients>';
const mime = (subject: string, body = 'hello'): string => Buffer.from(`From: notify@sandbox.test\r\nTo: ops@example.test\r\nSubject: ${subject}\r\n\r\n${body}\r\n`).toString('base64');
const sendMime = (subject: string, body?: string): string => soap(createItem(`<t:MimeContent CharacterSet="UTF-8">${mime(subject, body)}</t:MimeContent>`, 'SendAndSaveCopy',
  '<m:SavedItemFolderId><t:DistinguishedFolderId Id="sentitems"/></m:SavedItemFolderId>'));
const find = (folder: string, subject: string): string => soap(`<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape>` +
  `<m:Restriction><t:IsEqualTo><t:FieldURI FieldURI="item:Subject"/><t:FieldURIOrConstant><t:Constant Value="${subject}"/></t:FieldURIOrConstant></t:IsEqualTo></m:Restriction>` +
  `<m:ParentFolderIds><t:DistinguishedFolderId Id="${folder}"/></m:ParentFolderIds></m:FindItem>`);
const found = (body: string): number => Number(/TotalItemsInView="(\d+)"/.exec(body)?.[1] ?? -1);

let sb: TestSandbox | undefined;
test.after.each(async () => { await sb?.cleanup(); sb = undefined; });

test('limits: N/min and N/s parse; bad values and unknown keys are refused with what was wrong', () => {
  assert.is(parseMessageRate('600/min'), 600);
  assert.is(parseMessageRate('10/s'), 600);
  assert.is(parseMessageRate('30'), 30);
  for (const bad of ['', '0/min', '-5', '600/h', 'fast']) assert.throws(() => parseMessageRate(bad), /--message-rate/, bad);
  const base = { maxMessageSizeMB: 10 };
  assert.equal(changeLimits(base, { messageRate: '120/min', maxConnections: 3, sentItemsLagMs: 500 }), { maxMessageSizeMB: 10, messageRatePerMinute: 120, maxConnections: 3, sentItemsLagMs: 500 });
  assert.equal(changeLimits({ ...base, maxConnections: 3 }, { maxConnections: null, maxMessageSizeMB: null }), { maxMessageSizeMB: 10 });
  assert.throws(() => changeLimits(base, { maxConnection: 3 }), /unknown key 'maxConnection'/);
  assert.throws(() => changeLimits(base, { maxConnections: 0 }), /maxConnections must be a whole number from 1/);
  assert.throws(() => changeLimits(base, { mailboxVersion: 'Exchange2099' }), /mailboxVersion must be one of/);
});

test('mail-agent sandbox: a bad limit flag is a usage error (exit 64) that names the flag', async () => {
  for (const [args, pattern] of [
    [['--message-rate', '600/m'], /--message-rate: '600\/m' is not N\/min/], [['--max-connections', '0'], /--max-connections: must be a whole number from 1/],
    [['--max-message-size', '10MB'], /--max-message-size: must be a number \(megabytes, e.g. 10\)/], [['--sent-items-lag', '2s'], /--sent-items-lag: must be a number \(milliseconds/],
    [['--mailbox-version', '2010'], /--mailbox-version: must be one of Exchange2007, /],
  ] as const) {
    const io = captureIo();
    assert.is(await main(['sandbox', '--port', '0', ...args], io), 64, args.join(' '));
    assert.match(io.err(), pattern);
  }
});

test('--sent-items-lag: the sent message is in the Outbox (FindItem), then only in Sent Items', async () => {
  sb = await tempSandbox({ limits: { sentItemsLagMs: 400 } });
  assert.is((await post(sb, sendMime('lagged'))).status, 200);
  assert.is(found((await post(sb, find('outbox', 'lagged'))).body), 1);
  assert.is(found((await post(sb, find('sentitems', 'lagged'))).body), 0);
  const lagged = sb;
  await waitFor(async () => found((await post(lagged, find('sentitems', 'lagged'))).body) > 0, 'the message in Sent Items', 10_000, 20);
  assert.is(found((await post(sb, find('sentitems', 'lagged'))).body), 1);
  assert.is(found((await post(sb, find('outbox', 'lagged'))).body), 0);
});

test('--message-rate: an overdrawn mailbox answers ErrorServerBusy + BackOffMilliseconds; a request inside the window is refused again and logged as early', async () => {
  sb = await tempSandbox({ limits: { messageRatePerMinute: 600, outboxAheadMs: 300 } });
  const batch = soap(createItem(`<t:Subject>r</t:Subject>${TO}`).replace('<m:Items><t:Message>', '<m:Items>' + `<t:Message><t:Subject>r</t:Subject>${TO}</t:Message>`.repeat(3) + '<t:Message>'));
  assert.is((await post(sb, batch)).status, 200);
  const busy = await post(sb, batch);
  assert.is(busy.status, 500);
  assert.match(busy.body, /<faultcode[^>]*>a:ErrorServerBusy<\/faultcode>/);
  const advised = Number(/<t:Value Name="BackOffMilliseconds">(\d+)<\/t:Value>/.exec(busy.body)?.[1]);
  assert.ok(advised > 0 && advised <= 300, String(advised));
  const again = await post(sb, batch);
  assert.is(again.status, 500, 'refused again inside the window');
  const log = await readThrottleLog(sb);
  assert.ok(log.some((e) => e.event === 'advised' && e.backoffMs === advised));
  const early = log.find((e) => e.event === 'early');
  assert.ok(early, 'the early request is in throttle.jsonl');
  // A new connection per request here (agent: false), sent after the advice was read: not in flight.
  assert.is(typeof early.violation, 'boolean');
});

test('--max-connections 1: a second request while one is in progress answers ErrorExceededConnectionCount with its policy values', async () => {
  sb = await tempSandbox({ limits: { maxConnections: 1 }, faults: [{ kind: 'stall', count: 1 }] });
  const stalled = new Promise<void>((resolve) => {
    const req = request(sb!.url, { method: 'POST', ca: sb!.caPem, agent: false, headers: { authorization: DEFAULT_AUTH, 'content-type': 'text/xml' } }, () => resolve());
    req.on('error', () => resolve());
    req.end(sendMime('held'));
  });
  let refused = await post(sb, sendMime('second'));
  for (let i = 0; i < 50 && refused.status === 200; i++) refused = await post(sb, sendMime('second'));
  assert.is(refused.status, 500);
  assert.match(refused.body, /<e:ResponseCode[^>]*>ErrorExceededConnectionCount<\/e:ResponseCode>/);
  assert.match(refused.body, /<t:Value Name="MaxConcurrencyLimit">1<\/t:Value>/);
  assert.ok((await readThrottleLog(sb)).some((e) => e.event === 'refused'));
  await sb.cleanup();
  sb = undefined;
  await stalled;
});

test('--max-message-size: a larger message answers ErrorMessageSizeExceeded for that item only', async () => {
  sb = await tempSandbox({ limits: { maxMessageSizeMB: 0.01 } });
  const big = mime('big', 'x'.repeat(20_000));
  const small = mime('small');
  const r = await post(sb, soap(`<m:CreateItem MessageDisposition="SendOnly"><m:Items><t:Message><t:MimeContent>${big}</t:MimeContent></t:Message><t:Message><t:MimeContent>${small}</t:MimeContent></t:Message></m:Items></m:CreateItem>`));
  assert.is(r.status, 200);
  assert.match(r.body, /ResponseClass="Error">.*<m:ResponseCode>ErrorMessageSizeExceeded<\/m:ResponseCode>.*ResponseClass="Success"/);
  assert.equal((await sb.deliveriesList()).map((d) => d.subject), ['small']);
});

test('--mailbox-version: requests on the mailbox for a newer schema answer ErrorInvalidSchemaVersionForMailboxVersion; its own version is served', async () => {
  sb = await tempSandbox({ limits: { mailboxVersion: 'Exchange2010_SP2' } });
  const newer = await post(sb, soap(createItem(`<t:Subject>v</t:Subject>${TO}`), 'Exchange2013'));
  assert.is(newer.status, 500);
  assert.match(newer.body, /ErrorInvalidSchemaVersionForMailboxVersion/);
  assert.is((await post(sb, soap(createItem(`<t:Subject>v</t:Subject>${TO}`), 'Exchange2010_SP2'))).status, 200);
});

test('faults internal200 and unknowncode: the shapes', async () => {
  sb = await tempSandbox({ faults: [{ kind: 'internal200', count: 1 }, { kind: 'unknowncode', count: 1 }] });
  const two = soap(`<m:CreateItem MessageDisposition="SendOnly"><m:Items><t:Message><t:MimeContent>${mime('a')}</t:MimeContent></t:Message><t:Message><t:MimeContent>${mime('b')}</t:MimeContent></t:Message></m:Items></m:CreateItem>`);
  const internal = await post(sb, two);
  assert.is(internal.status, 200);
  assert.is((internal.body.match(/<m:ResponseCode>ErrorInternalServerError<\/m:ResponseCode>/g) ?? []).length, 2, 'one per item');
  assert.match(internal.body, /<m:MessageXml><t:Value Name="InnerErrorMessageText">[^<]+<\/t:Value><t:Value Name="InnerErrorResponseCode">ErrorServerBusy<\/t:Value>/);
  const unknown = await post(sb, two);
  assert.is(unknown.status, 500);
  assert.match(unknown.body, /<e:ResponseCode[^>]*>ErrorSandboxUnknownFailure</);
  assert.is((await sb.deliveriesList()).length, 0);
});

test('/sandbox/limits: GET shows, POST (application/json, loopback, no Origin) changes; bad input 400', async () => {
  sb = await tempSandbox();
  const control = sb.url.replace('/EWS/Exchange.asmx', '/sandbox/limits');
  const shown = await post(sb, '', {}, control, 'GET');
  assert.equal(JSON.parse(shown.body), { ok: true, limits: { messageRate: null, sentItemsLagMs: null, maxConnections: null, maxMessageSizeMB: 10, mailboxVersion: null, outboxAheadMs: null, batchLimitMs: null }, outboxWaiting: 0 });
  const set = await post(sb, JSON.stringify({ messageRate: '30/min', maxConnections: 2 }), { 'content-type': 'application/json' }, control);
  assert.is(set.status, 200);
  assert.equal((JSON.parse(set.body) as { limits: Record<string, unknown> }).limits.messageRate, '30/min');
  assert.is((await post(sb, JSON.stringify({ maxConections: 2 }), { 'content-type': 'application/json' }, control)).status, 400);
  assert.is((await post(sb, JSON.stringify({ maxConnections: 2 }), { 'content-type': 'text/plain' }, control)).status, 415);
  assert.is((await post(sb, JSON.stringify({ maxConnections: 2 }), { 'content-type': 'application/json', origin: 'https://evil.example' }, control)).status, 403);
});

test.run();
