// Throttling in the delivery worker, where every transport gets it: a busy answer (AgentError ServerBusy, as
// the EWS transport gives for ErrorServerBusy and its kin and any HTTP transport for 429/503 with
// Retry-After) pauses ALL sends through that transport until the advised time, halves what goes at once,
// which then recovers; no busy answer fails a notification. The pause is the account's: a new transport for
// the same endpoint and account (new settings) finds it. And wasSent's window: "not there" soon after an
// attempt of unknown outcome is not final.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AgentError, ErrorCodes } from '../../agent/errors.ts';
import { DryRunTransport } from '../helpers/dryrun/dryrun-transport.ts';
import type { OutgoingMessage, SendResult, TransportInfo } from '../../agent/transports/transport.ts';
import { withTempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait.ts';
import { harness, submitMany, waitsBeforeRetries } from './helpers.ts';

/** As another engineer's HTTP transport (Microsoft Graph) throws for a 429 with Retry-After: 30. */
class RateLimitedOnce extends DryRunTransport {
  readonly startedAt: number[] = [];
  /** Sends handed to the transport while the worker's pause was in force. */
  insidePause = 0;
  private refused = false;
  private readonly clockNow: () => number;
  private readonly paused: () => boolean;

  constructor(clockNow: () => number, paused: () => boolean, hold: () => Promise<void>) {
    super({ beforeSend: hold });
    this.clockNow = clockNow;
    this.paused = paused;
  }

  override async send(message: OutgoingMessage): Promise<SendResult> {
    this.startedAt.push(this.clockNow());
    if (this.paused()) this.insidePause += 1;
    if (!this.refused) {
      this.refused = true;
      throw new AgentError(ErrorCodes.ServerBusy, 'graph.microsoft.com answered HTTP 429', { transient: true, backoffMs: 30_000, serverCode: 'TooManyRequests' });
    }
    return super.send(message);
  }
}

test('a busy answer from any transport pauses every send through it until the advised time; concurrency halves, then recovers; none fails', async () => {
  await withTempDir(async (state) => {
    let inFlight = 0;
    let maxInFlight = 0;
    const ref: { h?: Awaited<ReturnType<typeof harness>> } = {};
    const pausedUntil = (): number => ref.h?.worker.throttleOf(transport).pausedUntil ?? 0;
    // The sends that go with the refused one are on their way when it is refused: each is held until the
    // worker has taken the busy answer (its pause is set), then completes.
    const hold = async (): Promise<void> => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await waitFor(() => pausedUntil() > 0, 'the busy answer taken');
      inFlight -= 1;
    };
    const transport: RateLimitedOnce = new RateLimitedOnce(() => ref.h?.clock.now() ?? 0, () => ref.h !== undefined && pausedUntil() > ref.h.clock.now(), hold);
    const h = await harness(state, () => transport, { concurrency: 8, batchSize: 4 });
    ref.h = h;
    await submitMany(h.spool, 40);
    const t0 = h.clock.now();
    await h.worker.start();
    await waitFor(() => h.outcomes.some((o) => o.result === 'retry'), 'the 429');
    await waitFor(() => inFlight === 0 && h.outcomes.length >= 1, 'the sends already on their way');
    await waitFor(() => h.clock.nextDue() === t0 + 30_000, 'the worker timed to wake when the pause ends');
    const before = transport.startedAt.length;
    assert.ok(before < 40, `paused after ${before} sends`);
    assert.equal(h.worker.throttleOf(transport), { pausedUntil: t0 + 30_000, concurrency: 4, batchSize: 2 });
    assert.is(h.clock.advance(29_999), 0, 'no timer of the worker fires inside the advised window');
    maxInFlight = 0;
    h.clock.advance(1);
    await waitFor(() => h.outcomes.filter((o) => o.result === 'delivered').length === 40, 'all 40 delivered');
    await h.worker.stop();
    assert.is(transport.insidePause, 0, 'nothing sent inside the advised window');
    assert.ok(maxInFlight <= 8, String(maxInFlight));
    assert.ok(transport.startedAt.every((t) => t === t0 || t >= t0 + 30_000), 'every send before the answer or after the pause');
    assert.is(h.outcomes.filter((o) => o.result === 'failed').length, 0);
    const retried = h.outcomes.filter((o) => o.result === 'retry');
    assert.equal(retried.filter((o) => o.serverCode === 'TooManyRequests').length, 1);
    // Any other: claimed in the same moment and held back by the pause, never handed to the transport.
    for (const o of retried) assert.equal([o.code, o.nextAttemptAt], ['ServerBusy', new Date(t0 + 30_000).toISOString()]);
    assert.equal(h.worker.throttleOf(transport).concurrency, 8, 'back to the full limit, one step per delivery');
    assert.is(new Set(transport.sent.map((m) => m.messageId)).size, 40);
  });
});

test('busy answers without advice: the pause doubles from 1 s; each retry goes when the pause ends, with no backoff of its own on top', async () => {
  await withTempDir(async (state) => {
    const transport = new DryRunTransport().failNext({ kind: 'transient', times: 3 });
    const h = await harness(state, () => transport);
    await submitMany(h.spool, 1);
    await h.worker.start();
    const waits = await waitsBeforeRetries(h, 3, 'delivered');
    await h.worker.stop();
    assert.equal(waits, [1000, 2000, 4000]);
    assert.is(h.outcomes[3]?.result, 'delivered');
  });
});

/** A transport that says whose budget it spends (as EWS does through currentInfo): an account at an endpoint. */
class ForAccount extends DryRunTransport {
  private readonly account: string;

  constructor(account: string) {
    super();
    this.account = account;
  }

  currentInfo(): TransportInfo {
    return { service: 'ews', endpoint: 'https://mail.contoso.test/EWS/Exchange.asmx', account: this.account };
  }
}

test('the pause is the account\'s: new settings (a new transport) for the same endpoint and account start paused, with the lowered limits; another account does not', async () => {
  await withTempDir(async (state) => {
    const before = new ForAccount('CONTOSO\\svc-notify').failNext({ kind: 'transient', backoffMs: 30_000 });
    let live: DryRunTransport = before;
    const h = await harness(state, () => live, { concurrency: 8, batchSize: 4 });
    await submitMany(h.spool, 3);
    const t0 = h.clock.now();
    await h.worker.start();
    await waitFor(() => h.outcomes.some((o) => o.result === 'retry' && o.serverCode === 'ErrorServerBusy'), 'the busy answer');
    // New settings arrive during the pause: a new transport object, the same server and account (case aside).
    const after = new ForAccount('contoso\\SVC-NOTIFY');
    live = after;
    assert.equal(h.worker.throttleOf(after), { pausedUntil: t0 + 30_000, concurrency: 4, batchSize: 2 });
    assert.equal(h.worker.throttleOf(new ForAccount('CONTOSO\\other')), { pausedUntil: 0, concurrency: 8, batchSize: 4 }, 'another account: its own budget');
    h.worker.wake();
    h.clock.advance(29_999);
    // A notification queued now is held too: it goes when the pause ends (the worker wakes then).
    await submitMany(h.spool, 1, 'later');
    h.worker.wake();
    await waitFor(() => h.clock.nextDue() === t0 + 30_000, 'the wake-up at the pause\'s end');
    assert.is(after.sent.length, 0, 'nothing through the new transport inside the pause');
    h.clock.advance(1);
    await waitFor(() => h.outcomes.filter((o) => o.result === 'delivered').length === 4, 'all delivered after the pause');
    await h.worker.stop();
    // The other two of the first batch went with the busy one (before its answer): the rest after the pause.
    assert.equal([before.sent.length, after.sent.length], [2, 2]);
  });
});

test('wasSent window: "not there" within the transport\'s window after an attempt of unknown outcome is looked at again, not re-sent; a late arrival is not sent twice', async () => {
  await withTempDir(async (state) => {
    const arrived: string[] = [];
    class Slow extends DryRunTransport {
      readonly wasSentWindowMs = 60_000;
    }
    const transport = new Slow();
    // The connection breaks and the server is still working on it: the message shows up only later.
    transport.failNext({ kind: 'transient', code: 'ConnectionFailed', serverCode: 'ECONNRESET' });
    const h = await harness(state, () => transport);
    const [q] = await submitMany(h.spool, 1);
    await h.worker.start();
    const t0 = h.clock.now();
    await waitFor(() => h.outcomes.length === 1, 'reset');
    h.clock.advance(h.clock.nextDue()! - h.clock.now());
    await waitFor(() => h.outcomes.length === 2, 'the first look');
    assert.equal([h.outcomes[1]?.result, h.outcomes[1]?.code], ['retry', 'OutcomeUnknown']);
    assert.is(h.outcomes[1]?.nextAttemptAt, new Date(t0 + 60_000).toISOString());
    assert.is(transport.sent.length, 0, 'not sent again yet');
    // It arrives meanwhile (as the Outbox would show it).
    transport.sent.push({ messageId: q!.messageId, to: [], cc: [], bcc: [], subject: '', mime: Buffer.alloc(0) });
    arrived.push(q!.messageId);
    h.clock.advance(h.clock.nextDue()! - h.clock.now());
    await waitFor(() => h.outcomes.length === 3, 'the second look');
    await h.worker.stop();
    assert.equal([h.outcomes[2]?.result, h.outcomes[2]?.confirmedBy], ['delivered', 'wasSent']);
    assert.equal(transport.sent.map((m) => m.messageId), arrived, 'never sent twice');
  });
});

test('wasSent window: still not there once the window has passed: sent again, once', async () => {
  await withTempDir(async (state) => {
    class Slow extends DryRunTransport {
      readonly wasSentWindowMs = 60_000;
    }
    const transport = new Slow().failNext({ kind: 'transient', code: 'ConnectionFailed', serverCode: 'ECONNRESET' });
    const h = await harness(state, () => transport);
    await submitMany(h.spool, 1);
    await h.worker.start();
    for (let i = 1; i <= 2; i++) {
      await waitFor(() => h.outcomes.length === i, `outcome ${i}`);
      h.clock.advance(h.clock.nextDue()! - h.clock.now());
    }
    await waitFor(() => h.outcomes.length === 3, 'sent again');
    await h.worker.stop();
    assert.equal(h.outcomes.map((o) => o.code ?? o.result), ['ConnectionFailed', 'OutcomeUnknown', 'delivered']);
    assert.is(transport.sent.length, 1);
    assert.is(transport.wasSentCalls, 2);
  });
});

test.run();
