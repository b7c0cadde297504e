// An unknown outcome is not sent again before a check (was-sent.ts), with the sandbox cutting answers off
// (reset: the operation ran) or never answering (stall: it did not): by the draft still being a draft, by
// internetMessageId in Sent Items, by a draft left from before a restart. The Sent Items lag window is the
// delivery worker's (the transport's wasSentWindowMs, counted from the attempt's persisted time): the last
// test runs the real worker through a restart inside it. Each case ends with the message delivered once.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AgentError } from '../../agent/errors.ts';
import { classifyFailure } from '../../agent/queue/outcome.ts';
import { createTransport } from '../../agent/transports/index.ts';
import type { OutgoingMessage, Transport } from '../../agent/transports/transport.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { apps, SECRET } from '../helpers/oauth.ts';
import { withTempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait.ts';
import { harness, submitMany } from '../queue/helpers.ts';
import { tempSandbox, type TestSandbox } from '../sandbox/helpers.ts';
import { graphConfig, message } from './helpers/graph.ts';

const WRITER = 'dddddddd-0000-0000-0000-000000000006';
let sandbox: TestSandbox;
let clock: number;
const open: Transport[] = [];

/** `now`: the sandbox's clock (when a Sent Items copy becomes visible); `clock` by default. */
async function start(lagMs = 0, now: () => number = () => clock): Promise<void> {
  clock = Date.now();
  sandbox = await tempSandbox({
    now: () => new Date(now()), limits: { sentItemsLagMs: lagMs },
    apps: await apps({ clientId: WRITER, secrets: [SECRET], permissions: ['Mail.Send', 'Mail.ReadWrite'], mailboxes: ['notify@sandbox.test'] }),
  });
}

test.after.each(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
  await sandbox.cleanup();
});

/** Aborts a send 200 ms after its last request (sendMail, or the draft's send) went out: the client's deadline
 *  (the stimulus that leaves the outcome unknown, not a wait for an event). What the tests assert holds
 *  whether the stalled request reached the sandbox by then or not: nothing is delivered either way. */
let abortOnLast: AbortController | undefined;

async function transport(env: NodeJS.ProcessEnv = {}): Promise<Transport> {
  const t = await createTransport(graphConfig(sandbox, { clientId: WRITER }), {
    env,
    onGraphRequest: (r) => {
      const controller = abortOnLast;
      if (controller && /\/(sendMail|send)$/.test(new URL(r.url).pathname)) setTimeout(() => controller.abort(new DOMException('deadline', 'TimeoutError')), 200);
    },
  });
  open.push(t);
  return t;
}

async function deliveries(): Promise<number> {
  const text = await readFile(path.join(sandbox.dataDir, 'deliveries.jsonl'), 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).length;
}

/** Sends, expecting an outcome the queue treats as unknown (it will ask wasSent before sending again).
 *  `stalled`: the last request gets no answer; the send is given up shortly after it went out. */
/** The request `match` names gets no answer, so `first` gives the send up; then `later` (the same transport,
 *  or a new one after a restart) says not sent, and sending again delivers it once. */
async function stalledThenSentOnce(first: Transport, later: Transport | (() => Promise<Transport>), m: OutgoingMessage, match: string, why?: string): Promise<void> {
  sandbox.setFaults([{ kind: 'stall', count: 1, match }]);
  await unknownOutcome(first, m, true);
  sandbox.setFaults([]);
  const t = typeof later === 'function' ? await later() : later;
  assert.is(await t.wasSent?.(m.messageId), false, why);
  await t.send(m);
  assert.is(await deliveries(), 1);
}

async function unknownOutcome(t: Transport, m: OutgoingMessage, stalled = false): Promise<void> {
  abortOnLast = stalled ? new AbortController() : undefined;
  try {
    await t.send(m, abortOnLast?.signal);
  } catch (err) {
    assert.ok(err instanceof AgentError, String(err));
    assert.ok(classifyFailure(err).maybeSent, `${err.code} should leave the outcome unknown`);
    return;
  }
  throw new Error('expected the send to fail');
}

const large = () => message({ attachments: [{ filename: 'big.bin', contentType: 'application/octet-stream', content: Buffer.alloc(3_500_000, 1) }] });

test('sendMail ran, its answer was lost: found in Sent Items → sent, not sent again', async () => {
  await start();
  const t = await transport();
  const m = await message();
  sandbox.setFaults([{ kind: 'reset', count: 1 }]);
  await unknownOutcome(t, m);
  assert.is(await t.wasSent?.(m.messageId), true);
  assert.is(await deliveries(), 1);
});

test('the copy not in Sent Items yet: "not sent" (the worker\'s window decides when that is final), then found — once; the window is the Sent Items lag', async () => {
  await start(10 * 60_000);
  const t = await transport({ MAIL_AGENT_GRAPH_SENT_ITEMS_LAG_MS: '90000' });
  assert.is(t.wasSentWindowMs, 90_000);
  assert.is((await transport()).wasSentWindowMs, 60_000, 'the default lag');
  const m = await message();
  sandbox.setFaults([{ kind: 'reset', count: 1 }]);
  await unknownOutcome(t, m);
  assert.is(await t.wasSent?.(m.messageId), false);
  clock += 10 * 60_000;
  assert.is(await t.wasSent?.(m.messageId), true);
  assert.is(await deliveries(), 1);
});

test('sendMail never reached the server (stalled, aborted), nothing in Sent Items after the window → not sent; sent again once', async () => {
  await start();
  const t = await transport({ MAIL_AGENT_GRAPH_SENT_ITEMS_LAG_MS: '0' });
  await stalledThenSentOnce(t, t, await message(), '/sendMail');
});

test('large: the draft\'s send stalled → the draft is still a draft → not sent (it goes); sent again once', async () => {
  await start();
  const t = await transport({ MAIL_AGENT_GRAPH_SENT_ITEMS_LAG_MS: '60000' });
  await stalledThenSentOnce(t, t, await large(), '/send', 'the draft was still a draft: deleted');
});

test('large: the draft\'s send ran, its answer was lost → the draft is gone, Sent Items has it → sent', async () => {
  await start();
  const t = await transport();
  const m = await large();
  sandbox.setFaults([{ kind: 'reset', count: 1, match: '/send' }]);
  await unknownOutcome(t, m);
  assert.is(await t.wasSent?.(m.messageId), true);
  assert.is(await deliveries(), 1);
});

test('after a restart (a new transport): a draft left in Drafts is found by internetMessageId, goes, and counts as not sent', async () => {
  await start();
  const first = await transport();
  await stalledThenSentOnce(first, () => transport({ MAIL_AGENT_GRAPH_SENT_ITEMS_LAG_MS: '60000' }), await large(), '/send');
});

test('through the delivery worker, a long attempt whose answer was lost, restarted inside the window: the window counts from the attempt\'s end (its durable record), not its start nor the restart; the copy that shows within it is found — sent once', async () => {
  const fake = new FakeClock(Date.now());
  await start(50_000, () => fake.now()); // the copy shows in Sent Items 50 s after the send; the window is 60 s
  await withTempDir(async (state) => {
    sandbox.setFaults([{ kind: 'reset', count: 1, match: '/sendMail' }]);
    const before = await transport();
    // The send goes out three minutes into the attempt (a long upload, a paced slot), and its answer is lost.
    const slow: Transport = { verify: (s) => before.verify(s), send: (m, s) => { fake.advance(3 * 60_000); return before.send(m, s); }, close: () => before.close() };
    let h = await harness(state, () => slow, { clock: fake });
    await submitMany(h.spool, 1);
    await h.worker.start();
    await waitFor(() => h.outcomes.length === 1, 'the lost answer');
    assert.equal([h.outcomes[0]?.result, h.outcomes[0]?.code], ['retry', 'ConnectionFailed']);
    const ended = fake.now();
    await h.worker.stop();
    assert.is(await deliveries(), 1, 'the send ran');
    // The agent restarts 20 s later: a new process, so a new transport and a worker rebuilt from the spool.
    fake.advance(20_000);
    const after = await transport();
    assert.is(after.wasSentWindowMs, 60_000);
    h = await harness(state, () => after, { clock: fake });
    await h.worker.start();
    await waitFor(() => h.outcomes.length === 1, 'the look after the restart');
    assert.equal([h.outcomes[0]?.result, h.outcomes[0]?.code], ['retry', 'OutcomeUnknown'], 'not in Sent Items yet: not final');
    assert.is(h.outcomes[0]?.nextAttemptAt, new Date(ended + 60_000).toISOString(), 'the window counts from the attempt\'s end');
    fake.advance(fake.nextDue()! - fake.now());
    await waitFor(() => h.outcomes.length === 2, 'the look once the window has passed');
    await h.worker.stop();
    assert.equal([h.outcomes[1]?.result, h.outcomes[1]?.confirmedBy], ['delivered', 'wasSent']);
    assert.is(await deliveries(), 1, 'never sent twice');
  });
});

test('through the delivery worker, killed after a late send of a long attempt and restarted: the window counts from the restart, not the attempt\'s start — sent once', async () => {
  let serverNow = Date.now();
  await start(50_000, () => serverNow); // the copy shows in Sent Items 50 s after the send; the window is 60 s
  await withTempDir(async (state) => {
    const real = await transport();
    // The process dies after the sendMail went out and before the outcome was recorded: the first worker
    // never hears back (its send never settles) and is abandoned, its in-flight journal left on disk.
    const dying: Transport = { verify: (s) => real.verify(s), send: async (m, s) => { await real.send(m, s); return new Promise(() => undefined); }, close: () => real.close() };
    const first = await harness(state, () => dying, { clock: new FakeClock(serverNow) });
    await submitMany(first.spool, 1);
    // The attempt began at serverNow; its send went out four minutes into it (a long upload, a paced slot).
    serverNow += 4 * 60_000;
    await first.worker.start();
    await waitFor(async () => await deliveries() === 1, 'the send on the wire');
    // The agent comes back 10 s later.
    const fake = new FakeClock(serverNow + 10_000);
    serverNow = fake.now();
    const after = await transport();
    const h = await harness(state, () => after, { clock: fake });
    const report = await h.worker.start();
    assert.is(report.unknownOutcome.length, 1);
    await waitFor(() => h.outcomes.length === 1, 'the look after the restart');
    assert.equal([h.outcomes[0]?.result, h.outcomes[0]?.code], ['retry', 'OutcomeUnknown'], 'not in Sent Items yet: not final');
    assert.is(h.outcomes[0]?.nextAttemptAt, new Date(fake.now() + 60_000).toISOString(), 'the window counts from the restart');
    fake.advance(fake.nextDue()! - fake.now());
    serverNow = fake.now();
    await waitFor(() => h.outcomes.length === 2, 'the look once the window has passed');
    await h.worker.stop();
    assert.equal([h.outcomes[1]?.result, h.outcomes[1]?.confirmedBy], ['delivered', 'wasSent']);
    assert.is(await deliveries(), 1, 'never sent twice');
  });
});

test.run();
