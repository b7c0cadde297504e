// The delivery worker: FIFO over the spool with bounded concurrency, through whatever transport is live at
// each attempt (getTransport). Transient failures are retried with capped, jittered exponential backoff
// (never sooner than the server asked); permanent ones end as failed with the server's reason. An entry
// whose last attempt has an unknown outcome is re-sent only after transport.wasSent says it was not.
import { AgentError } from '../errors.ts';
import type { NotificationLogEntry } from '../notifications-log/entry.ts';
import type { Transport } from '../transports/transport.ts';
import { defaultBackoff, retryDelayMs, type BackoffPolicy } from './backoff.ts';
import { systemClock, type Clock } from './clock.ts';
import { classifyFailure } from './outcome.ts';
import { toOutgoing } from './outgoing.ts';
import { compactDelivered, spoolCounts } from './spool-counts.ts';
import { recoverSpool, type RecoveryReport } from './spool-recovery.ts';
import type { AttemptRecord, SpoolCounts } from './spool-types.ts';
import { watchPending } from './spool-watch.ts';
import type { Spool, SpoolEntry } from './spool.ts';

export interface DeliveryWorkerOptions {
  spool: Spool;
  /** The transport live now, or undefined while none is (notifications then wait). */
  getTransport(): Transport | undefined;
  /** Names the transport in the log (e.g. "ews https://…/EWS/Exchange.asmx"). */
  describeTransport?(transport: Transport): string;
  log?: { append(entry: NotificationLogEntry): Promise<void> };
  concurrency?: number;
  backoff?: BackoffPolicy;
  /** A notification still failing transiently this long after it was queued ends as failed (default 3 days). */
  maxAgeMs?: number;
  /** Safety-net rescan of the spool directory (default 30 s). */
  scanIntervalMs?: number;
  /** Watch pending/ for entries enqueued by other processes (default true). */
  watch?: boolean;
  clock?: Clock;
  random?: () => number;
  /** Unexpected failures (disk, log); the agent logs them. Deliveries carry on. */
  onError?(err: unknown): void;
  /** Called after each attempt's outcome is durable and logged. */
  onOutcome?(entry: NotificationLogEntry): void;
}

interface Tracked {
  attempts: number;
  firstAttemptAt?: string;
  notBefore: number;
  unknown: boolean;
}

export class DeliveryWorker {
  private readonly o: Required<Pick<DeliveryWorkerOptions, 'concurrency' | 'backoff' | 'maxAgeMs' | 'scanIntervalMs' | 'clock' | 'random'>> & DeliveryWorkerOptions;
  private readonly entries = new Map<string, Tracked>();
  private order: string[] = [];
  private readonly inFlight = new Map<string, Promise<void>>();
  private stopped = false;
  private retryTimer: unknown;
  private scanTimer: unknown;
  private watcher: { close(): void } | undefined;
  private scanning: Promise<void> | undefined;
  private rescanRequested = false;
  private deliveredSinceCompaction = 0;
  private compacting: Promise<void> | undefined;

  constructor(options: DeliveryWorkerOptions) {
    this.o = {
      concurrency: 4, backoff: defaultBackoff, maxAgeMs: 3 * 24 * 3600_000, scanIntervalMs: 30_000,
      clock: systemClock, random: Math.random, ...options,
    };
  }

  /** Recovers the spool after a crash, loads what is pending and starts delivering. */
  async start(): Promise<RecoveryReport> {
    const report = await recoverSpool(this.o.spool);
    await this.scan();
    if (this.o.watch !== false) this.watcher = watchPending(this.o.spool.paths.pending, () => this.wake());
    this.scheduleScan();
    this.pump();
    return report;
  }

  /** Look again now: a new entry was enqueued, or a transport became live. */
  wake(): void {
    if (this.stopped) return;
    this.scanThenPump();
  }

  counts(): Promise<SpoolCounts> {
    return spoolCounts(this.o.spool, this.o.clock.now());
  }

  /** Stops taking new attempts and waits for the in-flight ones to finish and be recorded. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.o.clock.clearTimeout(this.retryTimer);
    this.o.clock.clearTimeout(this.scanTimer);
    this.watcher?.close();
    await this.scanning;
    await Promise.allSettled([...this.inFlight.values()]);
    await this.compacting;
  }

  private scanThenPump(): void {
    if (this.scanning) {
      this.rescanRequested = true;
      return;
    }
    this.scanning = this.scan()
      .catch((err: unknown) => this.o.onError?.(err))
      .finally(() => {
        this.scanning = undefined;
        if (this.rescanRequested && !this.stopped) {
          this.rescanRequested = false;
          this.scanThenPump();
        } else {
          this.pump();
        }
      });
  }

  private scheduleScan(): void {
    if (this.stopped) return;
    this.scanTimer = this.o.clock.setTimeout(() => {
      this.scanThenPump();
      this.scheduleScan();
    }, this.o.scanIntervalMs);
  }

  private async scan(): Promise<void> {
    const ids = await this.o.spool.pendingIds();
    const present = new Set(ids);
    for (const id of ids) {
      if (this.entries.has(id)) continue;
      const attempt = await this.o.spool.readAttempt(id);
      this.entries.set(id, trackedFrom(attempt));
    }
    for (const id of this.entries.keys()) {
      if (!present.has(id) && !this.inFlight.has(id)) this.entries.delete(id);
    }
    this.order = [...this.entries.keys()].sort();
  }

  private pump(): void {
    if (this.stopped) return;
    const transport = this.o.getTransport();
    if (!transport) return; // wake() is called when one becomes live
    const now = this.o.clock.now();
    let earliest = Infinity;
    for (const id of this.order) {
      if (this.inFlight.size >= this.o.concurrency) break;
      const tracked = this.entries.get(id);
      if (!tracked || this.inFlight.has(id)) continue;
      if (tracked.notBefore > now) {
        earliest = Math.min(earliest, tracked.notBefore);
        continue;
      }
      this.launch(id, tracked, transport);
    }
    this.o.clock.clearTimeout(this.retryTimer);
    if (earliest !== Infinity) this.retryTimer = this.o.clock.setTimeout(() => this.pump(), earliest - now);
  }

  private launch(id: string, tracked: Tracked, transport: Transport): void {
    const run = this.attempt(id, tracked, transport)
      .catch((err: unknown) => this.o.onError?.(err))
      .finally(() => {
        this.inFlight.delete(id);
        this.pump();
      });
    this.inFlight.set(id, run);
  }

  private async attempt(id: string, tracked: Tracked, transport: Transport): Promise<void> {
    const entry = await this.o.spool.read(id);
    if (!entry) {
      this.forget(id);
      return;
    }
    const started = this.o.clock.now();
    let confirmedNotSent = false;
    if (tracked.unknown && transport.wasSent) {
      let sent: boolean | undefined;
      try {
        sent = await transport.wasSent(entry.meta.messageId);
      } catch (err) {
        await this.failed(entry, tracked, transport, started, err, tracked.attempts, false);
        return;
      }
      if (sent === true) {
        await this.delivered(entry, tracked.attempts, transport, started, undefined, 'wasSent');
        return;
      }
      confirmedNotSent = sent === false;
    }
    const attempts = tracked.attempts + 1;
    const firstAttemptAt = tracked.firstAttemptAt ?? new Date(started).toISOString();
    await this.o.spool.writeAttempt(id, { attempts, firstAttemptAt, inProgressSince: new Date(started).toISOString() });
    tracked.attempts = attempts;
    tracked.firstAttemptAt = firstAttemptAt;
    let itemId: string | undefined;
    try {
      itemId = (await transport.send(await toOutgoing(entry))).itemId;
    } catch (err) {
      await this.failed(entry, tracked, transport, started, err, attempts, tracked.unknown && !confirmedNotSent);
      return;
    }
    await this.delivered(entry, attempts, transport, started, itemId, undefined);
  }

  private async delivered(entry: SpoolEntry, attempts: number, transport: Transport, started: number,
    itemId: string | undefined, confirmedBy: 'wasSent' | undefined): Promise<void> {
    const { meta } = entry;
    const now = this.o.clock.now();
    await this.o.spool.markDelivered({
      id: meta.id, messageId: meta.messageId, deliveredAt: new Date(now).toISOString(), attempts,
      ...(itemId ? { itemId } : {}), confirmedBy: confirmedBy ?? 'send',
    });
    this.forget(meta.id);
    await this.record(entry, transport, 'delivered', attempts, now - started, confirmedBy ? { confirmedBy } : {});
    this.deliveredSinceCompaction += 1;
    if (this.deliveredSinceCompaction >= 100 && !this.compacting) {
      this.deliveredSinceCompaction = 0;
      this.compacting = compactDelivered(this.o.spool).then(() => undefined, (err: unknown) => this.o.onError?.(err))
        .finally(() => { this.compacting = undefined; });
    }
  }

  private async failed(entry: SpoolEntry, tracked: Tracked, transport: Transport, started: number, thrown: unknown,
    attempts: number, stillUnknown: boolean): Promise<void> {
    const { meta } = entry;
    const { error, transient, maybeSent } = classifyFailure(thrown);
    const now = this.o.clock.now();
    const lastError = errorSummary(error);
    const tooOld = now - Date.parse(meta.enqueuedAt) > this.o.maxAgeMs;
    if (transient && !tooOld) {
      const notBefore = now + retryDelayMs(Math.max(attempts, 1), this.o.backoff, this.o.random, error.backoffMs);
      const unknown = maybeSent || stillUnknown;
      const record: AttemptRecord = {
        attempts, firstAttemptAt: tracked.firstAttemptAt ?? new Date(started).toISOString(),
        nextAttemptAt: notBefore, lastError, ...(unknown ? { outcomeUnknown: true } : {}),
      };
      await this.o.spool.writeAttempt(meta.id, record);
      Object.assign(tracked, { notBefore, unknown });
      await this.record(entry, transport, 'retry', attempts, now - started, { ...lastError, nextAttemptAt: new Date(notBefore).toISOString() });
      return;
    }
    const finalError = tooOld && transient ? { ...lastError, message: `gave up after ${attempts} attempts: ${lastError.message}` } : lastError;
    await this.o.spool.markFailed({ id: meta.id, messageId: meta.messageId, failedAt: new Date(now).toISOString(), attempts, error: finalError });
    this.forget(meta.id);
    await this.record(entry, transport, 'failed', attempts, now - started, finalError);
  }

  private forget(id: string): void {
    this.entries.delete(id);
  }

  private async record(entry: SpoolEntry, transport: Transport, result: NotificationLogEntry['result'], attempt: number,
    durationMs: number, extra: { code?: string; message?: string; serverCode?: string; confirmedBy?: 'wasSent'; nextAttemptAt?: string }): Promise<void> {
    const { message, ...rest } = extra;
    const line: NotificationLogEntry = {
      time: new Date(this.o.clock.now()).toISOString(),
      id: entry.meta.id, messageId: entry.meta.messageId,
      to: entry.meta.to,
      subject: entry.meta.subject,
      transport: this.o.describeTransport?.(transport) ?? 'transport',
      result, attempt, durationMs,
      ...rest,
      ...(message !== undefined ? { reason: message } : {}),
    };
    try {
      await this.o.log?.append(line);
    } catch (err) {
      this.o.onError?.(err);
    }
    this.o.onOutcome?.(line);
  }
}

function trackedFrom(attempt: AttemptRecord | undefined): Tracked {
  if (!attempt) return { attempts: 0, notBefore: 0, unknown: false };
  return {
    attempts: attempt.attempts,
    firstAttemptAt: attempt.firstAttemptAt,
    notBefore: attempt.nextAttemptAt ?? 0,
    unknown: attempt.outcomeUnknown === true || attempt.inProgressSince !== undefined,
  };
}

function errorSummary(error: AgentError): { code: string; message: string; serverCode?: string } {
  return { code: error.code, message: error.message, ...(error.serverCode ? { serverCode: error.serverCode } : {}) };
}
