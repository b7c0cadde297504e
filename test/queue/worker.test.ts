import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readLogNewestFirst } from '../../agent/notifications-log/log-reader.ts';
import { statePaths } from '../../agent/state/layout.ts';
import { DryRunTransport } from '../helpers/dryrun/dryrun-transport.ts';
import { withTempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait.ts';
import type { Transport } from '../../agent/transports/transport.ts';
import { harness, HeldSends, Spool, submitMany, waitsBeforeRetries } from './helpers.ts';

/** Lets the held sends go a round at a time, each round once the worker has as many in flight as it may
 *  (`limit`, or what is left): a worker that started more shows in maxInFlight, one that started fewer times out. */
async function releaseInRounds(held: HeldSends, total: number, limit: number): Promise<void> {
  while (held.released < total) {
    const expected = Math.min(limit, total - held.released);
    await waitFor(() => held.inFlight >= expected, `${expected} sends in flight (${held.released} of ${total} done)`);
    held.releaseAll();
  }
}

test('delivers FIFO, each once, with at most `concurrency` sends in flight', async () => {
  await withTempDir(async (state) => {
    const held = new HeldSends();
    const transport = new DryRunTransport({ beforeSend: held.beforeSend });
    const h = await harness(state, () => transport, { concurrency: 3 });
    const queued = await submitMany(h.spool, 12);
    await h.worker.start();
    await releaseInRounds(held, 12, 3);
    await waitFor(() => h.outcomes.length === 12, '12 outcomes');
    await h.worker.stop();
    assert.is(held.maxInFlight, 3);
    assert.equal(transport.sent.map((m) => m.messageId).slice(0, 3).sort(), queued.slice(0, 3).map((q) => q.messageId).sort(), 'the oldest go first');
    assert.equal(new Set(transport.sent.map((m) => m.messageId)).size, 12, 'none twice');
    assert.equal(await h.spool.pendingIds(), []);
    assert.equal(await h.worker.counts(), { pending: 0, delivered: 12, failed: 0 });
  });
});

test('a transport that takes few sends at once (sendConcurrency) gets no more in flight than that', async () => {
  await withTempDir(async (state) => {
    class OneAtATime extends DryRunTransport {
      readonly sendConcurrency = 2;
    }
    const held = new HeldSends();
    const transport = new OneAtATime({ beforeSend: held.beforeSend });
    const h = await harness(state, () => transport, { concurrency: 50 });
    await submitMany(h.spool, 8);
    await h.worker.start();
    await releaseInRounds(held, 8, 2);
    await waitFor(() => h.outcomes.length === 8, '8 outcomes');
    await h.worker.stop();
    assert.is(held.maxInFlight, 2);
  });
});

test('a batch: one delivered record file and one in-flight journal for all, each notification its own log line', async () => {
  await withTempDir(async (state) => {
    const journals: string[][] = [];
    const inflight = join(statePaths(state).spool, 'inflight');
    const transport = new DryRunTransport({
      beforeSend: async () => {
        // While the batch is on the wire its journal names every id of it.
        for (const name of await readdir(inflight)) {
          const journal = JSON.parse(await readFile(join(inflight, name), 'utf8')) as { entries: { id: string }[] };
          journals.push(journal.entries.map((e) => e.id));
        }
      },
    }).failNext({ kind: 'permanent', code: 'SendAsDenied', serverCode: 'ErrorSendAsDenied', message: 'denied' });
    const h = await harness(state, () => transport, { concurrency: 10, batchSize: 10 });
    const queued = await submitMany(h.spool, 10);
    await h.worker.start();
    await waitFor(() => h.outcomes.length === 10, '10 outcomes');
    await h.worker.stop();
    assert.equal(new Set(journals.map((j) => j.join())).size, 1, 'one journal for the batch');
    assert.equal(journals[0], queued.map((q) => q.id));
    assert.equal(await readdir(h.spool.paths.inflight), [], 'the journal is gone once the outcomes are recorded');
    // The batch's sends run together: whichever reaches the transport first gets the planned refusal.
    const failed = h.outcomes.filter((o) => o.result === 'failed').map((o) => o.id);
    assert.is(failed.length, 1);
    const firstDelivered = queued.find((q) => q.id !== failed[0])?.id;
    assert.equal(await readdir(h.spool.paths.delivered), [`${firstDelivered}.batch.json`], 'one record file for the 9 delivered');
    assert.equal(h.outcomes.filter((o) => o.result === 'delivered').length, 9);
    const log = await readLogNewestFirst(statePaths(state).notificationsLog);
    assert.is(log.length, 10, 'a log line per notification');
    assert.equal(await h.worker.counts(), { pending: 0, delivered: 9, failed: 1 });
  });
});

test('transient failures are retried with backoff honouring the server\'s BackOffMilliseconds, then delivered', async () => {
  await withTempDir(async (state) => {
    const transport = new DryRunTransport().failNext({ kind: 'transient', times: 2, backoffMs: 60_000 });
    const h = await harness(state, () => transport);
    await submitMany(h.spool, 1);
    await h.worker.start();
    await waitFor(() => h.outcomes.length === 1, 'first attempt');
    assert.is(h.outcomes[0]?.result, 'retry');
    assert.is(h.outcomes[0]?.serverCode, 'ErrorServerBusy');
    assert.is(h.clock.nextDue(), h.clock.now() + 60_000, 'not sooner than the server asked');
    // Every attempt after the first starts from a timer of the worker's (fake) clock: none fires before the backoff ends.
    assert.is(h.clock.advance(59_999), 0, 'nothing before the backoff ends');
    h.clock.advance(1);
    await waitFor(() => h.outcomes.length === 2, 'second attempt');
    assert.is(h.outcomes[1]!.clockAt - h.outcomes[0]!.clockAt, 60_000, 'the second attempt came when the backoff ended');
    h.clock.advance(60_000);
    await waitFor(() => h.outcomes.length === 3, 'third attempt');
    await h.worker.stop();
    assert.equal(h.outcomes.map((o) => [o.result, o.attempt]), [['retry', 1], ['retry', 2], ['delivered', 3]]);
    assert.is(transport.sent.length, 1);
    const log = await readLogNewestFirst(statePaths(state).notificationsLog);
    assert.equal(log.map((l) => l.result), ['delivered', 'retry', 'retry'], 'the log, newest first');
  });
});

test('exponential backoff grows and is capped', async () => {
  await withTempDir(async (state) => {
    // Not throttling (that waits for the transport's pause instead): the store unavailable.
    const transport = new DryRunTransport().failNext({ kind: 'transient', times: 5, code: 'ServerUnavailable', serverCode: 'ErrorMailboxStoreUnavailable' });
    const h = await harness(state, () => transport, { backoff: { baseMs: 1000, maxMs: 4000 } });
    await submitMany(h.spool, 1);
    await h.worker.start();
    const delays = await waitsBeforeRetries(h, 5, 'delivery');
    await h.worker.stop();
    assert.equal(delays, [750, 1500, 3000, 3000, 3000], 'random 0.5 with equal jitter: 3/4 of 1 s, 2 s, 4 s, then capped at 4 s');
  });
});

test('a permanent failure ends as failed with the server\'s reason, kept in failed/', async () => {
  await withTempDir(async (state) => {
    const transport = new DryRunTransport().failNext({ kind: 'permanent', code: 'SendAsDenied', serverCode: 'ErrorSendAsDenied', message: 'The user account which was used to submit this request does not have the right to send mail on behalf of the specified sending account.' });
    const h = await harness(state, () => transport, { concurrency: 1 });
    const [q] = await submitMany(h.spool, 2);
    await h.worker.start();
    await waitFor(() => h.outcomes.length === 2, 'two outcomes');
    await h.worker.stop();
    const failed = h.outcomes.find((o) => o.result === 'failed');
    assert.is(failed?.id, q?.id);
    assert.is(failed?.serverCode, 'ErrorSendAsDenied');
    assert.match(failed?.reason ?? '', /right to send mail on behalf/);
    assert.is((await h.spool.readFailed(q?.id ?? ''))?.error.code, 'SendAsDenied');
    assert.ok((await readdir(h.spool.paths.failed)).includes(`${q?.id}.eml`));
    assert.equal(await h.worker.counts(), { pending: 0, delivered: 1, failed: 1 });
  });
});

test('with no live transport notifications wait; once one is live they go out; a switch is used at the next attempt', async () => {
  await withTempDir(async (state) => {
    let live: Transport | undefined;
    const first = new DryRunTransport().failNext({ kind: 'transient', times: 1, backoffMs: 1000 });
    const second = new DryRunTransport();
    let asked = 0;
    const h = await harness(state, () => { asked += 1; return live; }, { describeTransport: (t) => (t === first ? 'first' : 'second') });
    await submitMany(h.spool, 2);
    await h.worker.start(); // it has looked at the spool and asked for a transport by the time start() resolves
    assert.ok(asked >= 1, 'the worker asked for a transport');
    assert.is(h.outcomes.length, 0, 'nothing attempted without a transport');
    assert.is((await h.worker.counts()).pending, 2);
    live = first;
    h.worker.wake();
    await waitFor(() => h.outcomes.length === 2, 'first round');
    // Had anything been attempted before a transport was live, it would be among these outcomes.
    assert.equal(h.outcomes.map((o) => [o.transport, o.attempt]), [['first', 1], ['first', 1]], 'the first attempts went through the first live transport');
    live = second; // settings changed
    h.clock.advance(1000);
    await waitFor(() => h.outcomes.length === 3, 'the retry');
    await h.worker.stop();
    assert.is(first.sent.length, 1);
    assert.is(second.sent.length, 1, 'the retry went through the new transport');
  });
});

test('an attempt of unknown outcome is not re-sent when wasSent finds it; re-sent when it does not', async () => {
  await withTempDir(async (state) => {
    const dir = state + '/outbox';
    const { mkdir } = await import('node:fs/promises');
    await mkdir(dir);
    const server = new DryRunTransport({ dir });
    const h = await harness(state, () => server);
    const [a, b] = await submitMany(h.spool, 2);
    // As after a crash mid-send: both markers in progress; `a` reached the server, `b` did not.
    for (const q of [a, b]) await h.spool.writeAttempt(q?.id ?? '', { attempts: 1, firstAttemptAt: 'x', inProgressSince: 'x' });
    const entryA = await h.spool.read(a?.id ?? '');
    await new DryRunTransport({ dir }).send({ messageId: a?.messageId ?? '', to: [], cc: [], bcc: [], subject: '', mime: entryA?.mime ?? Buffer.alloc(0) });
    const report = await h.worker.start();
    assert.equal(report.unknownOutcome, [a?.id, b?.id]);
    await waitFor(() => h.outcomes.length === 2, 'two outcomes');
    await h.worker.stop();
    const byId = new Map(h.outcomes.map((o) => [o.id, o]));
    assert.is(byId.get(a?.id ?? '')?.confirmedBy, 'wasSent');
    assert.is(byId.get(b?.id ?? '')?.confirmedBy, undefined);
    assert.equal(server.sent.map((m) => m.messageId), [b?.messageId], 'only b was sent');
    assert.equal((await readdir(dir)).filter((n) => n.endsWith('.eml')).length, 2, 'no duplicate file');
  });
});

test('a reset after the server took the message: the retry asks wasSent and does not send twice', async () => {
  await withTempDir(async (state) => {
    const transport = new DryRunTransport().failNext({ kind: 'transient', code: 'ConnectionFailed', serverCode: 'ECONNRESET', afterDelivery: true });
    const h = await harness(state, () => transport);
    await submitMany(h.spool, 1);
    await h.worker.start();
    await waitFor(() => h.outcomes.length === 1, 'reset');
    h.clock.advance(h.clock.nextDue()! - h.clock.now());
    await waitFor(() => h.outcomes.length === 2, 'retry');
    await h.worker.stop();
    assert.is(h.outcomes[1]?.confirmedBy, 'wasSent');
    assert.is(transport.sent.length, 1);
  });
});

test('stop() lets the in-flight sends finish and be recorded, and starts no new one', async () => {
  await withTempDir(async (state) => {
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    let started = 0;
    const transport = new DryRunTransport({ beforeSend: async () => { started += 1; await gate; } });
    const h = await harness(state, () => transport, { concurrency: 2 });
    await submitMany(h.spool, 5);
    await h.worker.start();
    await waitFor(() => started === 2, 'two in flight');
    const stopped = h.worker.stop();
    release();
    await stopped;
    assert.is(h.outcomes.length, 2);
    assert.is(transport.sent.length, 2);
    assert.is((await h.worker.counts()).pending, 3);
  });
});

test('wakes promptly when another writer enqueues (fs.watch on pending/), without wake()', async () => {
  await withTempDir(async (state) => {
    const transport = new DryRunTransport();
    const h = await harness(state, () => transport, { watch: true, scanIntervalMs: 3_600_000 });
    await h.worker.start();
    const other = await Spool.open(state); // as `mail-agent send` would
    await submitMany(other, 3);
    await waitFor(() => h.outcomes.length === 3, 'deliveries after a watched enqueue', 5000);
    await h.worker.stop();
    assert.is(transport.sent.length, 3);
  });
});

test('a notification still failing transiently past maxAge ends as failed', async () => {
  await withTempDir(async (state) => {
    const transport = new DryRunTransport().failNext({ kind: 'transient', times: 10 });
    const h = await harness(state, () => transport, { maxAgeMs: 1 });
    await submitMany(h.spool, 1);
    h.clock.advance(Date.now() + 5 - h.clock.now()); // the worker's now: past the 1 ms maxAge of the entry just queued
    await h.worker.start();
    await waitFor(() => h.outcomes.length === 1, 'outcome');
    await h.worker.stop();
    assert.is(h.outcomes[0]?.result, 'failed');
    assert.match(h.outcomes[0]?.reason ?? '', /^gave up after 1 attempts/);
  });
});

test('a send that hangs is abandoned at the deadline as a Timeout of unknown outcome, then checked and re-sent', async () => {
  await withTempDir(async (state) => {
    let calls = 0;
    const transport = new DryRunTransport({ beforeSend: () => (++calls === 1 ? new Promise<void>(() => undefined) : Promise.resolve()) });
    const h = await harness(state, () => transport, { sendTimeoutMs: 60_000 });
    await submitMany(h.spool, 1);
    await h.worker.start();
    await waitFor(() => calls === 1, 'the hung send');
    h.clock.advance(60_000);
    await waitFor(() => h.outcomes.length === 1, 'the timeout');
    assert.equal([h.outcomes[0]?.result, h.outcomes[0]?.code], ['retry', 'Timeout']);
    h.clock.advance(h.clock.nextDue()! - h.clock.now());
    await waitFor(() => h.outcomes.length === 2, 'the retry');
    await h.worker.stop();
    assert.is(h.outcomes[1]?.result, 'delivered');
    assert.is(transport.wasSentCalls, 1, 'asked before re-sending');
  });
});

test('a corrupt spool entry is moved to failed/, not retried in a loop; the others go out', async () => {
  await withTempDir(async (state) => {
    const transport = new DryRunTransport();
    const errors: unknown[] = [];
    const h = await harness(state, () => transport, { onError: (err) => errors.push(err) });
    await submitMany(h.spool, 1);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(h.spool.paths.pendingFile('000000001-000-0000000000'), 'not json\n');
    await h.worker.start();
    await waitFor(async () => (await h.worker.counts()).pending === 0, 'the spool drained');
    await h.worker.stop();
    assert.equal(await h.worker.counts(), { pending: 0, delivered: 1, failed: 1 });
    assert.is((await h.spool.readFailed('000000001-000-0000000000'))?.error.code, 'Internal');
    assert.is(errors.length, 1);
  });
});

test.run();
