// One delivery attempt of one notification, with its durable bookkeeping: the in-progress marker before
// the send, then delivered / failed / retry-later, and the log line. The worker decides when and what.
import { AgentError, ErrorCodes } from '../errors.ts';
import type { NotificationLogEntry } from '../notifications-log/entry.ts';
import type { Transport } from '../transports/transport.ts';
import { retryDelayMs, type BackoffPolicy } from './backoff.ts';
import type { Clock } from './clock.ts';
import { withDeadline } from './deadline.ts';
import { classifyFailure } from './outcome.ts';
import { toOutgoing } from './outgoing.ts';
import type { AttemptRecord } from './spool-types.ts';
import type { Spool, SpoolEntry } from './spool.ts';
import type { Tracked } from './tracked.ts';

/** 'gone': the entry was no longer pending (or was corrupt and quarantined). */
export type AttemptResult = 'delivered' | 'failed' | 'retry' | 'gone';

export interface AttemptContext {
  spool: Spool;
  clock: Clock;
  random: () => number;
  backoff: BackoffPolicy;
  maxAgeMs: number;
  sendTimeoutMs: number;
  describeTransport?(transport: Transport): string;
  log?: { append(entry: NotificationLogEntry): Promise<void> };
  onError?(err: unknown): void;
  onOutcome?(entry: NotificationLogEntry): void;
}

export class AttemptRunner {
  private readonly c: AttemptContext;

  constructor(context: AttemptContext) {
    this.c = context;
  }

  async run(id: string, tracked: Tracked, transport: Transport): Promise<AttemptResult> {
    const entry = await this.readOrQuarantine(id);
    if (!entry) return 'gone';
    const started = this.c.clock.now();
    let confirmedNotSent = false;
    if (tracked.unknown && transport.wasSent) {
      let sent: boolean | undefined;
      try {
        const wasSent = transport.wasSent.bind(transport);
        sent = await withDeadline(this.c.clock, this.c.sendTimeoutMs, 'the sent-items check', (signal) => wasSent(entry.meta.messageId, signal));
      } catch (err) {
        return this.failed(entry, tracked, transport, started, err, tracked.attempts, false);
      }
      if (sent === true) {
        return this.delivered(entry, tracked.attempts, transport, started, undefined, 'wasSent');
      }
      confirmedNotSent = sent === false;
    }
    const attempts = tracked.attempts + 1;
    const firstAttemptAt = tracked.firstAttemptAt ?? new Date(started).toISOString();
    await this.c.spool.writeAttempt(id, { attempts, firstAttemptAt, inProgressSince: new Date(started).toISOString() });
    tracked.attempts = attempts;
    tracked.firstAttemptAt = firstAttemptAt;
    let itemId: string | undefined;
    try {
      const message = await toOutgoing(entry);
      itemId = (await withDeadline(this.c.clock, this.c.sendTimeoutMs, 'the send', (signal) => transport.send(message, signal))).itemId;
    } catch (err) {
      return this.failed(entry, tracked, transport, started, err, attempts, tracked.unknown && !confirmedNotSent);
    }
    return this.delivered(entry, attempts, transport, started, itemId, undefined);
  }

  /** A corrupt entry (cannot happen short of disk damage or hand edits) goes to failed/, not in a loop. */
  private async readOrQuarantine(id: string): Promise<SpoolEntry | undefined> {
    try {
      return await this.c.spool.read(id);
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

  private async delivered(entry: SpoolEntry, attempts: number, transport: Transport, started: number,
    itemId: string | undefined, confirmedBy: 'wasSent' | undefined): Promise<AttemptResult> {
    const { meta } = entry;
    const now = this.c.clock.now();
    await this.c.spool.markDelivered({
      id: meta.id, messageId: meta.messageId, deliveredAt: new Date(now).toISOString(), attempts,
      ...(itemId ? { itemId } : {}), confirmedBy: confirmedBy ?? 'send',
    });
    await this.record(entry, transport, 'delivered', attempts, now - started, confirmedBy ? { confirmedBy } : {});
    return 'delivered';
  }

  private async failed(entry: SpoolEntry, tracked: Tracked, transport: Transport, started: number, thrown: unknown,
    attempts: number, stillUnknown: boolean): Promise<AttemptResult> {
    const { meta } = entry;
    const { error, transient, maybeSent } = classifyFailure(thrown);
    const now = this.c.clock.now();
    const lastError = errorSummary(error);
    const tooOld = now - Date.parse(meta.enqueuedAt) > this.c.maxAgeMs;
    if (transient && !tooOld) {
      const notBefore = now + retryDelayMs(Math.max(attempts, 1), this.c.backoff, this.c.random, error.backoffMs);
      const unknown = maybeSent || stillUnknown;
      const record: AttemptRecord = {
        attempts, firstAttemptAt: tracked.firstAttemptAt ?? new Date(started).toISOString(),
        nextAttemptAt: notBefore, lastError, ...(unknown ? { outcomeUnknown: true } : {}),
      };
      await this.c.spool.writeAttempt(meta.id, record);
      Object.assign(tracked, { notBefore, unknown });
      await this.record(entry, transport, 'retry', attempts, now - started, { ...lastError, nextAttemptAt: new Date(notBefore).toISOString() });
      return 'retry';
    }
    const finalError = tooOld && transient ? { ...lastError, message: `gave up after ${attempts} attempts: ${lastError.message}` } : lastError;
    await this.c.spool.markFailed({ id: meta.id, messageId: meta.messageId, failedAt: new Date(now).toISOString(), attempts, error: finalError });
    await this.record(entry, transport, 'failed', attempts, now - started, finalError);
    return 'failed';
  }

  private async record(entry: SpoolEntry, transport: Transport, result: NotificationLogEntry['result'], attempt: number,
    durationMs: number, extra: { code?: string; message?: string; serverCode?: string; confirmedBy?: 'wasSent'; nextAttemptAt?: string }): Promise<void> {
    const { message, ...rest } = extra;
    const line: NotificationLogEntry = {
      time: new Date(this.c.clock.now()).toISOString(),
      id: entry.meta.id, messageId: entry.meta.messageId,
      to: entry.meta.to,
      subject: entry.meta.subject,
      transport: this.c.describeTransport?.(transport) ?? 'transport',
      result, attempt, durationMs,
      ...rest,
      ...(message !== undefined ? { reason: message } : {}),
    };
    try {
      await this.c.log?.append(line);
    } catch (err) {
      this.c.onError?.(err);
    }
    this.c.onOutcome?.(line);
  }
}

function errorSummary(error: AgentError): { code: string; message: string; serverCode?: string } {
  return { code: error.code, message: error.message, ...(error.serverCode ? { serverCode: error.serverCode } : {}) };
}
