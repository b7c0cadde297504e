// The real agent (`mail-agent run`, HTTPS + NTLM) against the sandbox in each of its Exchange modes — the
// subject of issue 13, where exchangelib-limits.test.ts has an independent client as the positive control:
// throttled to a message rate with a Sent Items lag, resets and a connection limit (all delivered once, no
// request inside an advised back-off), batches stopped at their (shortened) minute, busy answers of every
// shape, the mailbox moved to an older server while running (the status follows the version), new settings
// during a pause (the new transport finds the account's pause), a message over the server's size limit (fails
// alone, naming its size), and a request refused as a whole (issue 12 item 1: split, each its own outcome).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Spool } from '../../agent/queue/spool.ts';
import { submitNotification } from '../../agent/queue/submit.ts';
import { revisionOf } from '../../agent/config/revision.ts';
import type { Child } from '../helpers/child.ts';
import { waitFor } from '../helpers/wait.ts';
import { rig, type Rig } from '../run/helpers/e2e.ts';
import { outboxWaiting, readThrottleLog } from '../sandbox/limits-helpers.ts';
import { deliveries, duplicates, notificationsLog, sendOne, startReady, startWithSaveCopy, untilDelivered, untilInLog, untilLive } from './helpers.ts';

let r: Rig;
let agent: Child;
/** CreateItem requests the sandbox answered: how many messages each carried, and its HTTP status. */
const creates: { items: number; status: number; response: string }[] = [];
/** Every request the sandbox answered, with when. */
const answered: { at: number; operation: string | undefined; status: number; response: string; injected?: string }[] = [];

/** Queues n notifications straight into the spool (as `send` does, without a process each). */
async function queue(n: number, prefix: string): Promise<string[]> {
  const spool = await Spool.open(r.stateDir);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    ids.push((await submitNotification(spool, { to: ['ops@contoso.test'], subject: `${prefix} ${i}`, body: `n ${i}` }, { charset: 'utf-8', plainText: true, fromDelegation: false }, { cwd: r.root })).messageId);
  }
  return ids;
}

/** Nothing pending in the agent, nothing left in the sandbox's Outbox: a duplicate would have shown by now. */
async function settled(): Promise<void> {
  await r.untilStatus((d) => d.queue.pending === 0, 'nothing pending', 60_000);
  await waitFor(async () => (await outboxWaiting(r.sandbox)) === 0, 'the sandbox\'s Outbox empty', 30_000, 50);
}

test.before(async () => {
  r = await rig({
    tap: (x) => {
      answered.push({ at: Date.now(), operation: x.operation, status: x.status, response: x.response, ...(x.injected ? { injected: x.injected } : {}) });
      if (x.operation === 'CreateItem' || /<m:CreateItem /.test(x.request)) creates.push({ items: (x.request.match(/<t:MimeContent/g) ?? []).length, status: x.status, response: x.response });
    },
  });
  agent = await startWithSaveCopy(r, 'shipped');
});
test.after(async () => { await r.cleanup(); });

test('600/min-style throttling (1,200/min, a 1 s Outbox allowance), Sent Items lag, 4 connections, resets: 80 delivered once, none failed, no request inside an advised back-off', async () => {
  assert.is(await agent.kill('SIGTERM'), 0);
  r.sandbox.setLimits({ messageRate: '1200/min', outboxAheadMs: 1000, sentItemsLagMs: 800, maxConnections: 4 });
  const queued = await queue(80, 'throttled');
  agent = await startReady(r);
  r.sandbox.setFaults([{ kind: 'reset', count: 2 }, { kind: 'reset', probability: 0.03 }]);
  const got = await untilDelivered(r, 'throttled', 80, 60_000);
  r.sandbox.setFaults([]);
  await settled();
  assert.equal(duplicates(await deliveries(r, 'throttled')), [], 'none delivered twice');
  assert.equal(new Set(got.map((d) => d.messageId)), new Set(queued));
  const times = got.map((d) => Date.parse((d as unknown as { time: string }).time)).sort((a, b) => a - b);
  assert.ok(times.at(-1)! - times[0]! >= 78 * 50, 'no faster than the allowed rate (one every 50 ms)');
  const throttle = await readThrottleLog(r.sandbox);
  assert.ok(throttle.some((e) => e.event === 'advised'), 'the sandbox advised back-offs');
  assert.equal(throttle.filter((e) => e.event === 'early' && e.violation), [], 'the agent sent nothing inside an advised window');
  const log = await notificationsLog(r);
  assert.ok(log.some((e) => e.result === 'retry' && e.serverCode === 'ErrorServerBusy'), 'busy answers were retried');
  assert.ok(log.some((e) => e.confirmedBy === 'wasSent'), 'a reset send was found on the server (Outbox or Sent Items), not sent again');
  assert.is(log.filter((e) => e.result === 'failed').length, 0);
});

test('a batch past its (shortened) minute: the rest answer ErrorBatchProcessingStopped, are sent again, each delivered once', async () => {
  assert.is(await agent.kill('SIGTERM'), 0);
  r.sandbox.setLimits({ messageRate: '600/min', outboxAheadMs: 300, batchLimitMs: 1500, sentItemsLagMs: null, maxConnections: null });
  const queued = await queue(40, 'stopped');
  agent = await startReady(r);
  const got = await untilDelivered(r, 'stopped', 40, 60_000);
  await settled();
  assert.equal(new Set(got.map((d) => d.messageId)), new Set(queued));
  assert.equal(duplicates(await deliveries(r, 'stopped')), []);
  assert.ok((await readThrottleLog(r.sandbox)).some((e) => e.event === 'stopped'), 'a batch was stopped');
  assert.is((await notificationsLog(r)).filter((e) => e.result === 'failed').length, 0);
});

test('busy answers of every shape (internal200, connlimit, 503): paused and retried, delivered once, none failed', async () => {
  r.sandbox.setLimits({ messageRate: null, outboxAheadMs: null, batchLimitMs: null });
  r.sandbox.setFaults([{ kind: 'internal200', count: 1 }, { kind: 'connlimit', count: 1 }, { kind: 'unavailable', count: 1 }]);
  const queued = [];
  for (let i = 0; i < 6; i++) queued.push((await sendOne(r, ['--to', 'ops@contoso.test', '--subject', `shapes ${i}`])).messageId);
  const got = await untilDelivered(r, 'shapes', 6, 60_000);
  await settled();
  assert.equal(new Set(got.map((d) => d.messageId)), new Set(queued));
  const log = (await notificationsLog(r)).filter((e) => e.subject.startsWith('shapes'));
  const busy = log.filter((e) => e.result === 'retry').map((e) => e.serverCode ?? e.code);
  assert.ok(busy.includes('ErrorServerBusy') && busy.includes('ErrorExceededConnectionCount'), JSON.stringify(busy));
  assert.is(log.filter((e) => e.result === 'failed').length, 0);
});

test('the mailbox moves to an older server while the agent runs: ErrorInvalidSchemaVersionForMailboxVersion, the version steps down, delivered; the status file shows the version now used', async () => {
  r.sandbox.setFaults([]);
  const before = (await r.untilStatus((d) => d.lastApplied !== undefined, 'applied')).lastApplied;
  assert.is(before?.transport.serverVersion, 'Exchange2016');
  r.sandbox.setLimits({ mailboxVersion: 'Exchange2010_SP2' });
  const { messageId } = await sendOne(r, ['--to', 'ops@contoso.test', '--subject', 'moved mailbox']);
  const [d] = await untilDelivered(r, 'moved mailbox', 1, 60_000);
  assert.is(d?.messageId, messageId);
  const log = (await notificationsLog(r)).filter((e) => e.subject === 'moved mailbox');
  assert.ok(log.some((e) => e.serverCode === 'ErrorInvalidSchemaVersionForMailboxVersion'), JSON.stringify(log));
  const after = (await r.untilStatus((s) => s.lastApplied?.transport.serverVersion !== 'Exchange2016', 'the status follows the step-down')).lastApplied;
  // The version is the mailbox's (the schema now asked for); the build, the server answering (the same one).
  assert.equal([after?.transport.serverVersion, after?.transport.serverBuild], ['Exchange2010_SP2', before?.transport.serverBuild]);
  assert.equal([after?.revision, after?.transport.endpoint], [before?.revision, before?.transport.endpoint], 'the same settings, the same endpoint');
  await agent.waitFor(/"message":"transport changed".*"serverVersion":"Exchange2010_SP2"/);
  r.sandbox.setLimits({ mailboxVersion: null });
});

test('new settings during a pause, for the same server and account: the new transport asks nothing before the pause ends (its verify is retried after it), then goes live; delivered once', async () => {
  const PAUSE_MS = 4000;
  const from = answered.length;
  const busy = () => answered.slice(from).find((a) => a.injected === 'busy');
  r.sandbox.setFaults([{ kind: 'busy', count: 1, backoffMs: PAUSE_MS }]);
  await sendOne(r, ['--to', 'ops@contoso.test', '--subject', 'during a pause']);
  await r.untilStatus(() => busy() !== undefined, 'the busy answer');
  const busyAt = busy()!.at;
  const text = await r.write({ ews: '  saveCopy: false\n' });
  await untilLive(r, text, 'shipped');
  const inside = answered.filter((a) => a.at > busyAt && a.at < busyAt + PAUSE_MS - 100);
  assert.equal(inside.map((a) => `+${a.at - busyAt} ms ${a.operation ?? '?'} ${a.status}`), [], 'no request inside the pause, from the old transport or the new');
  const doc = await r.untilStatus((d) => d.history.some((h) => h.revision === revisionOf(text) && h.reason === 'ServerBusy'), 'the verify held by the pause');
  assert.ok(doc.history.some((h) => h.revision === revisionOf(text) && h.outcome === 'Applied'));
  await untilDelivered(r, 'during a pause', 1, 30_000);
  await settled();
  assert.is((await deliveries(r, 'during a pause')).length, 1);
  const back = await r.write({ ews: '  saveCopy: true\n' });
  await untilLive(r, back, 'shipped');
});

test('over the server\'s size limit: that notification fails alone, for good, its reason naming the size (log and `mail-agent log`)', async () => {
  r.sandbox.setLimits({ maxMessageSizeMB: 0.05 });
  const big = join(r.root, 'report.bin');
  await writeFile(big, Buffer.alloc(80_000, 7));
  const { id } = await sendOne(r, ['--to', 'ops@contoso.test', '--subject', 'too big for the server', '--attach', big]);
  await sendOne(r, ['--to', 'ops@contoso.test', '--subject', 'small beside it']);
  await untilDelivered(r, 'small beside it', 1);
  await r.untilStatus((d) => d.queue.failed >= 1, 'one failed');
  const failed = (await notificationsLog(r)).find((e) => e.id === id && e.result === 'failed');
  assert.ok(failed, 'failed for good');
  assert.equal([failed.code, failed.serverCode], ['MessageTooLarge', 'ErrorMessageSizeExceeded']);
  assert.match(failed.reason ?? '', /^the message is 0\.1 MB \(\d+ bytes as MIME\): .* refused it as over its size limit \(ErrorMessageSizeExceeded\); keep message\.attachmentLimitMB/);
  const shown = await r.cli(['log', '--state-dir', r.stateDir, '--tail', '5']);
  assert.match(shown.out, /the message is 0\.1 MB/);
  assert.is((await deliveries(r, 'too big for the server')).length, 0);
  assert.match(await readFile(join(r.stateDir, 'spool', 'failed', `${id}.json`), 'utf8'), /ErrorMessageSizeExceeded/);
  r.sandbox.setLimits({ maxMessageSizeMB: null });
});

test('issue 12 item 1: a CreateItem of several refused as a whole (one address with U+FFFE: ErrorSchemaValidation) is split; the 9 others are delivered, only that one fails', async () => {
  assert.is(await agent.kill('SIGTERM'), 0);
  const good = await queue(9, 'split');
  // `send` refuses such an address now; an entry queued before that (or by hand) still has it.
  const spool = await Spool.open(r.stateDir);
  const bad = await submitNotification(spool, { to: ['ops@contoso.test'], bcc: ['audit@contoso.test'], subject: 'split bad', body: 'x' }, { charset: 'utf-8', plainText: true, fromDelegation: false }, { cwd: r.root });
  const file = join(r.stateDir, 'spool', 'pending', `${bad.id}.eml`);
  const raw = await readFile(file);
  const newline = raw.indexOf('\n');
  const meta = raw.subarray(0, newline).toString('utf8').replace('audit@contoso.test', 'au\uFFFEdit@contoso.test');
  await writeFile(file, Buffer.concat([Buffer.from(meta, 'utf8'), raw.subarray(newline)]));
  creates.length = 0;
  agent = await startReady(r);
  const got = await untilDelivered(r, 'split', 9, 30_000);
  await r.untilStatus((d) => d.queue.pending === 0, 'all outcomes');
  // The status can count the bad one done before its outcome reaches the notifications log: wait for that line.
  await untilInLog(r, (entries) => entries.find((e) => e.id === bad.id && (e.result === 'failed' || e.result === 'delivered')), 'the bad one\'s outcome');
  assert.equal(new Set(got.map((d) => d.messageId)), new Set(good));
  const log = (await notificationsLog(r)).filter((e) => e.subject.startsWith('split'));
  const failed = log.filter((e) => e.result === 'failed');
  assert.equal(failed.map((e) => [e.id, e.serverCode]), [[bad.id, 'ErrorSchemaValidation']]);
  assert.ok(creates.some((c) => c.items > 1 && c.status === 500 && /ErrorSchemaValidation/.test(c.response)), 'a request of several was refused as a whole');
  assert.ok(creates.filter((c) => c.items === 1 && c.status === 500).length >= 1, 'then each went alone');
});

test('an unknown code on a whole request fails none of its notifications for good', async () => {
  creates.length = 0;
  r.sandbox.setFaults([{ kind: 'unknowncode', count: 2 }]);
  const queued = await queue(8, 'unknown');
  const got = await untilDelivered(r, 'unknown', 8, 60_000);
  await r.untilStatus((d) => d.queue.pending === 0, 'all outcomes');
  assert.equal(new Set(got.map((d) => d.messageId)), new Set(queued));
  const log = (await notificationsLog(r)).filter((e) => e.subject.startsWith('unknown'));
  assert.is(log.filter((e) => e.result === 'failed').length, 0);
  assert.equal(duplicates(await deliveries(r, 'unknown')), []);
});

test.run();
