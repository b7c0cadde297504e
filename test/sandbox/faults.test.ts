// Fault injection: each kind as a client sees it, counts and probabilities, setFaults() and the
// loopback-only POST /sandbox/faults.
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isLoopback } from '../../agent/sandbox/http/loopback.ts';
import { parseFaultSpec } from '../../agent/sandbox/faults.ts';
import { waitFor } from '../helpers/wait.ts';
import { createItem, DEFAULT_AUTH, post, soap, tempSandbox, type TestSandbox } from './helpers.ts';

const SEND = soap(createItem('<t:Subject>fault test</t:Subject><t:ToRecipients><t:Mailbox><t:EmailAddress>ops@example.test</t:EmailAddress></t:Mailbox></t:ToRecipients>'));

let sb: TestSandbox;
test.before(async () => { sb = await tempSandbox(); });
test.after(async () => { await sb.cleanup(); });
test.before.each(() => { sb.setFaults([]); });

async function delivered(): Promise<number> {
  const text = await readFile(path.join(sb.dataDir, 'deliveries.jsonl'), 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).length;
}

test('busy: HTTP 500 ErrorServerBusy with BackOffMilliseconds, for the next N requests only', async () => {
  sb.setFaults([{ kind: 'busy', count: 2, backoffMs: 250 }]);
  const before = await delivered();
  for (let i = 0; i < 2; i++) {
    const r = await post(sb, SEND);
    assert.is(r.status, 500);
    assert.match(r.body, /<faultcode[^>]*>a:ErrorServerBusy<\/faultcode>/);
    assert.match(r.body, /<t:Value Name="BackOffMilliseconds">250<\/t:Value>/);
  }
  assert.is(await delivered(), before);
  assert.is((await post(sb, SEND)).status, 200);
  assert.is(await delivered(), before + 1);
});

test('unavailable: HTTP 503 with an HTML page', async () => {
  sb.setFaults([{ kind: 'unavailable', count: 1 }]);
  const r = await post(sb, SEND);
  assert.is(r.status, 503);
  assert.match(String(r.headers['content-type']), /text\/html/);
});

test('html500: HTTP 500 with an HTML error page, not a SOAP fault', async () => {
  sb.setFaults([{ kind: 'html500', count: 1 }]);
  const r = await post(sb, SEND);
  assert.is(r.status, 500);
  assert.match(String(r.headers['content-type']), /text\/html/);
  assert.not.match(r.body, /Envelope/);
});

test('reset: the connection drops mid-response after the message went out', async () => {
  sb.setFaults([{ kind: 'reset', count: 1 }]);
  const before = await delivered();
  const err = await post(sb, SEND).then(() => undefined, (e: NodeJS.ErrnoException) => e);
  assert.ok(err, 'the request failed');
  assert.ok(['ECONNRESET', 'ERR_STREAM_PREMATURE_CLOSE'].includes(String(err.code)) || /aborted|hang up/.test(err.message), String(err.code));
  assert.is(await delivered(), before + 1);
});

test('badxml: HTTP 200 with a truncated envelope, after the message went out', async () => {
  sb.setFaults([{ kind: 'badxml', count: 1 }]);
  const before = await delivered();
  const r = await post(sb, SEND);
  assert.is(r.status, 200);
  assert.match(r.body, /^<\?xml/);
  assert.not.match(r.body, /<\/s:Envelope>$/);
  assert.is(await delivered(), before + 1);
});

test('stall: no answer at all, until the sandbox closes', async () => {
  let held = false;
  const stalled = await tempSandbox({ faults: [{ kind: 'stall', count: 1 }], tap: (e) => { if (e.injected === 'stall') held = true; } });
  let answered = false;
  const outcome = new Promise<string>((resolve) => {
    const req = request(stalled.url, { method: 'POST', ca: stalled.caPem, agent: false, headers: { authorization: DEFAULT_AUTH } }, (res) => {
      answered = true;
      res.resume();
      resolve('answered');
    });
    req.on('error', () => resolve('connection closed'));
    req.end(SEND);
  });
  await waitFor(() => held, 'the request held by the sandbox');
  // A later request is answered (the fault was for one): the sandbox is past the stalled one, still silent on it.
  assert.is((await post(stalled, SEND)).status, 200);
  assert.is(answered, false);
  await stalled.cleanup();
  assert.is(await outcome, 'connection closed');
});

test('KIND@P: probability 1 hits every request, 0 none', async () => {
  sb.setFaults([{ kind: 'unavailable', probability: 1 }]);
  assert.is((await post(sb, SEND)).status, 503);
  assert.is((await post(sb, SEND)).status, 503);
  sb.setFaults([{ kind: 'unavailable', probability: 0 }]);
  assert.is((await post(sb, SEND)).status, 200);
});

test('--fault specs parse; bad ones are usage errors', () => {
  assert.equal(parseFaultSpec('busy:3', 500), { kind: 'busy', count: 3, backoffMs: 500 });
  assert.equal(parseFaultSpec('reset@0.25'), { kind: 'reset', probability: 0.25, backoffMs: undefined });
  for (const bad of ['busy', 'nope:1', 'busy@2', 'busy:-1', 'busy:1:2']) {
    assert.throws(() => parseFaultSpec(bad), /KIND:N or KIND@P/, bad);
  }
});

test('POST /sandbox/faults from loopback sets the rules; bad rules are refused with 400', async () => {
  const control = sb.url.replace('/EWS/Exchange.asmx', '/sandbox/faults');
  const set = await post(sb, JSON.stringify({ kind: 'busy', count: 1, backoffMs: 42 }), { 'content-type': 'application/json' }, control);
  assert.is(set.status, 200);
  const r = await post(sb, SEND);
  assert.match(r.body, /<t:Value Name="BackOffMilliseconds">42<\/t:Value>/);
  assert.is((await post(sb, SEND)).status, 200);
  const json = { 'content-type': 'application/json; charset=utf-8' };
  const bad = await post(sb, JSON.stringify({ kind: 'meltdown', count: 1 }), json, control);
  assert.is(bad.status, 400);
  const both = await post(sb, JSON.stringify({ kind: 'busy', count: 1, probability: 0.5 }), json, control);
  assert.is(both.status, 400);
});

test('POST /sandbox/faults refuses what a web page could send: a text/plain body (415), any Origin header (403)', async () => {
  const control = sb.url.replace('/EWS/Exchange.asmx', '/sandbox/faults');
  const rule = JSON.stringify({ kind: 'busy', count: 1 });
  // A page's form or fetch without preflight: Content-Type text/plain, Origin set by the browser.
  const plain = await post(sb, rule, { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://evil.example' }, control);
  assert.is(plain.status, 403);
  const textOnly = await post(sb, rule, { 'content-type': 'text/plain' }, control);
  assert.is(textOnly.status, 415);
  assert.match(textOnly.body, 'application/json');
  const fromPage = await post(sb, rule, { 'content-type': 'application/json', origin: 'null' }, control);
  assert.is(fromPage.status, 403);
  // None of them set a rule: the next request is served.
  assert.is((await post(sb, SEND)).status, 200);
  const curl = await post(sb, rule, { 'content-type': 'application/json' }, control);
  assert.is(curl.status, 200);
  assert.is((await post(sb, SEND)).status, 500);
});

test('POST /sandbox/faults answers loopback clients only', async () => {
  assert.ok(isLoopback('127.0.0.1') && isLoopback('::1') && isLoopback('::ffff:127.0.0.5'));
  assert.not.ok(isLoopback('192.0.2.7') || isLoopback('::ffff:10.0.0.1') || isLoopback(undefined));
  const outside = Object.values(networkInterfaces()).flat().find((i) => i && !i.internal && i.family === 'IPv4');
  if (!outside) return; // no non-loopback interface on this machine: the address check above is what runs
  const open = await tempSandbox({ host: outside.address });
  try {
    const r = await post(open, JSON.stringify({ kind: 'busy', count: 1 }), {}, open.url.replace('/EWS/Exchange.asmx', '/sandbox/faults'));
    assert.is(r.status, 403);
    assert.is((await post(open, SEND)).status, 200);
  } finally {
    await open.cleanup();
  }
});

test.run();
