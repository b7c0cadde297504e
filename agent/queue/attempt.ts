// One delivery attempt of a batch of notifications, with its durable bookkeeping: ONE fsynced in-flight
// journal before the sends (spool-inflight.ts), then the outcomes (delivered / failed / retry-later)
// recorded per batch, and their log lines in one append. The worker decides when and what.
import { AgentError, ErrorCodes } from '../errors.ts';
import type { NotificationLogEntry } from '../notifications-log/entry.ts';
import type { Transport } from '../transports/transport.ts';
import type { BackoffPolicy } from '../throttle/backoff.ts';
import type { SchedulingClock } from '../clock.ts';
import { withDeadline } from '../deadline.ts';
import { recordOutcomes, type Job } from './attempt-record.ts';
import { toOutgoing } from './outgoing.ts';
import { isThrottling, type SendThrottle } from './send-throttle.ts';
import { beginInflight } from './spool-inflight.ts';
import type { Spool, SpoolEntry } from './spool.ts';
import type { Tracked } from './tracked.ts';

/** 'gone': the entry was no longer pending (or was corrupt and quarantined). */
export type AttemptResult = 'delivered' | 'failed' | 'retry' | 'gone';

export interface AttemptLog {
  append(entry: NotificationLogEntry): Promise<void>;
  /** Several lines in one write (used when present). */
  appendMany?(entries: readonly NotificationLogEntry[]): Promise<void>;
}

export interface AttemptContext {
  spool: Spool;
  clock: SchedulingClock;
  random: () => number;
  backoff: BackoffPolicy;
  maxAgeMs: number;
  sendTimeoutMs: number;
  describeTransport?(transport: Transport): string;
  log?: AttemptLog;
  onError?(err: unknown): void;
  onOutcome?(entry: NotificationLogEntry): void;
  /** The pause and limits of sends through this transport (send-throttle.ts). */
  throttle?(transport: Transport): SendThrottle;
}

export class AttemptRunner {
  private readonly c: AttemptContext;

  constructor(context: AttemptContext) {
    this.c = context;
  }

  /** Attempts each notification once; the results are in the order of `batch`. */
  async run(batch: readonly { id: string; tracked: Tracked }[], transport: Transport): Promise<AttemptResult[]> {
    const started = this.c.clock.now();
    const jobs: Job[] = [];
    const results = new Map<string, AttemptResult>();
    for (const { id, tracked } of batch) {
      const entry = await this.readOrQuarantine(id);
      if (entry) jobs.push({ entry, tracked, started, attempts: tracked.attempts, hadRecord: tracked.attempts > 0 || tracked.unknown, stillUnknown: tracked.unknown });
      else results.set(id, 'gone');
    }
    await Promise.all(jobs.filter((j) => j.tracked.unknown && transport.wasSent !== undefined).map((j) => this.checkSent(j, transport)));
    const paused = this.c.throttle?.(transport).pausedError(this.c.clock.now());
    if (paused) for (const j of jobs) j.outcome ??= { delivered: false, thrown: paused };
    const toSend = jobs.filter((j) => j.outcome === undefined);
    for (const j of toSend) j.sent = true;
    let journal: string | undefined;
    if (toSend.length > 0) {
      const since = new Date(started).toISOString();
      for (const j of toSend) {
        j.attempts = j.tracked.attempts + 1;
        j.tracked.firstAttemptAt ??= since;
        j.tracked.attempts = j.attempts;
      }
      journal = await beginInflight(this.c.spool.paths, {
        inProgressSince: since,
        entries: toSend.map((j) => ({ id: j.entry.meta.id, attempts: j.attempts, firstAttemptAt: j.tracked.firstAttemptAt ?? since })),
      }, started);
      await this.send(toSend, transport);
    }
    for (const [j, result] of await recordOutcomes(this.c, jobs, transport, journal)) results.set(j.entry.meta.id, result);
    return batch.map(({ id }) => results.get(id) ?? 'gone');
  }

  /**
   * After an attempt of unknown outcome: delivered if the server has it; sent again if not, once the
   * transport's window since that attempt has passed (before it, "not there" may mean "not there yet").
   */
  private async checkSent(job: Job, transport: Transport): Promise<void> {
    const paused = this.c.throttle?.(transport).pausedError(this.c.clock.now());
    if (paused) {
      job.outcome = { delivered: false, thrown: paused }; // not asked inside an advised back-off
      return;
    }
    try {
      const wasSent = transport.wasSent!.bind(transport);
      const sent = await withDeadline(this.c.clock, this.c.sendTimeoutMs, 'the sent-items check', (signal) => wasSent(job.entry.meta.messageId, signal));
      if (sent === true) job.outcome = { delivered: true, confirmedBy: 'wasSent' };
      else if (sent === false) this.notFound(job, transport);
    } catch (err) {
      this.throttled(transport, err);
      job.outcome = { delivered: false, thrown: err }; // still unknown: asked again next time
    }
  }

  private notFound(job: Job, transport: Transport): void {
    const since = job.tracked.lastAttemptAt;
    const settled = since === undefined ? 0 : since + (transport.wasSentWindowMs ?? 0);
    const now = this.c.clock.now();
    if (settled <= now) {
      job.stillUnknown = false;
      return;
    }
    job.outcome = {
      delivered: false,
      thrown: new AgentError(ErrorCodes.OutcomeUnknown, `not on the server yet; looked again at ${new Date(settled).toISOString()} before sending anew`, { transient: true, backoffMs: settled - now }),
    };
  }

  private throttled(transport: Transport, err: unknown): void {
    if (err instanceof AgentError && isThrottling(err)) this.c.throttle?.(transport).busy(err, this.c.clock.now());
  }

  /** All sends of the batch at once (the transport groups them), under one deadline. */
  private async send(jobs: readonly Job[], transport: Transport): Promise<void> {
    let over = false;
    const settle = (job: Job, outcome: NonNullable<Job['outcome']>) => { if (!over && job.outcome === undefined) job.outcome = outcome; };
    // A busy answer may have come in since the batch was claimed: nothing goes inside the pause it asked for.
    const paused = this.c.throttle?.(transport).pausedError(this.c.clock.now());
    if (paused) {
      for (const job of jobs) settle(job, { delivered: false, thrown: paused });
      over = true;
      return;
    }
    try {
      await withDeadline(this.c.clock, this.c.sendTimeoutMs, 'the send', (signal) => Promise.all(jobs.map(async (job) => {
        try {
          const message = await toOutgoing(job.entry);
          const { itemId } = await transport.send(message, signal);
          settle(job, { delivered: true, ...(itemId ? { itemId } : {}) });
        } catch (err) {
          this.throttled(transport, err);
          settle(job, { delivered: false, thrown: err });
        }
      })));
    } catch (err) {
      // The deadline: sends still unanswered have an unknown outcome.
      for (const job of jobs) settle(job, { delivered: false, thrown: err });
    } finally {
      over = true;
    }
  }

  /** A corrupt entry (cannot happen short of disk damage or hand edits) goes to failed/, not in a loop. */
  private async readOrQuarantine(id: string): Promise<SpoolEntry | undefined> {
    try {
      return this.c.spool.readNow(id);
    } catch (err) {
      if (!(err instanceof SyntaxError || (err instanceof AgentError && err.code === ErrorCodes.Internal))) throw err;
      await this.c.spool.markFailed({
        id, messageId: '', failedAt: new Date(this.c.clock.now()).toISOString(), attempts: 0,
        error: { code: ErrorCodes.Internal, message: 'the spool entry is corrupt and cannot be sent' },
      });
      this.c.onError?.(err);
      return undefined;
    }
  }
}
