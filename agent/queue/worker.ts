// The delivery worker: FIFO over the spool with bounded concurrency, through whatever transport is live at
// each attempt (getTransport). Ready notifications are claimed in batches (up to batchSize), so the
// durable bookkeeping of an attempt (in-flight journal, outcome records, log lines) is paid per batch. Transient failures are retried with capped, jittered exponential backoff
// (never sooner than the server asked); permanent ones end as failed with the server's reason. An entry
// whose last attempt has an unknown outcome is re-sent only after transport.wasSent says it was not.
// Throttling (a ServerBusy failure, from any transport) pauses every send through that transport until the
// advised time and lowers how many go at once (send-throttle.ts): the pause is kept here, where every
// transport gets it.
import type { NotificationLogEntry } from '../notifications-log/entry.ts';
import type { Transport } from '../transports/transport.ts';
import { AttemptRunner, type AttemptLog } from './attempt.ts';
import { defaultBackoff, type BackoffPolicy } from '../throttle/backoff.ts';
import { systemSchedulingClock, type SchedulingClock } from '../clock.ts';
import { Throttles } from './send-throttle.ts';
import { compactDelivered, spoolCounts } from './spool-counts.ts';
import { recoverSpool, sweepDeadWriters, type RecoveryReport } from './spool-recovery.ts';
import type { SpoolCounts } from './spool-types.ts';
import { watchPending } from './spool-watch.ts';
import type { Spool } from './spool.ts';
import { trackedFrom, type Tracked } from './tracked.ts';

export interface DeliveryWorkerOptions {
  spool: Spool;
  /** The transport live now, or undefined while none is (notifications then wait). */
  getTransport(): Transport | undefined;
  /** Names the transport in the log (e.g. "ews https://…/EWS/Exchange.asmx"). */
  describeTransport?(transport: Transport): string;
  log?: AttemptLog;
  /** Notifications in flight at once. */
  concurrency?: number;
  /** Notifications claimed together: one in-flight journal, one log append (default 100). */
  batchSize?: number;
  backoff?: BackoffPolicy;
  /** A notification still failing transiently this long after it was queued ends as failed (default 3 days). */
  maxAgeMs?: number;
  /** A send (or wasSent) not finished by then counts as a transient Timeout of unknown outcome (default 5 min). */
  sendTimeoutMs?: number;
  /** Safety-net rescan of the spool directory (default 30 s). */
  scanIntervalMs?: number;
  /** Watch pending/ for entries enqueued by other processes (default true). */
  watch?: boolean;
  clock?: SchedulingClock;
  random?: () => number;
  /** Unexpected failures (disk, log); the agent logs them. Deliveries carry on. */
  onError?(err: unknown): void;
  /** Called after each attempt's outcome is durable and logged (for a batch, once its outcomes all are). */
  onOutcome?(entry: NotificationLogEntry): void;
}

const UNEXPECTED_ERROR_DELAY_MS = 30_000;

export class DeliveryWorker {
  private readonly o: Required<Pick<DeliveryWorkerOptions, 'concurrency' | 'batchSize' | 'backoff' | 'maxAgeMs' | 'sendTimeoutMs' | 'scanIntervalMs' | 'clock' | 'random'>> & DeliveryWorkerOptions;
  private readonly entries = new Map<string, Tracked>();
  private order: string[] = [];
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Recently delivered or failed ids, so the watcher events of their removal do not trigger scans. */
  private readonly settled = new Set<string>();
  private stopped = false;
  private retryTimer: unknown;
  private scanTimer: unknown;
  private watcher: { close(): void } | undefined;
  private scanning: Promise<void> | undefined;
  private rescanRequested = false;
  private deliveredSinceCompaction = 0;
  private compacting: Promise<void> | undefined;
  private readonly runner: AttemptRunner;
  private readonly throttles: Throttles;

  constructor(options: DeliveryWorkerOptions) {
    this.o = {
      concurrency: 4, batchSize: 100, backoff: defaultBackoff, maxAgeMs: 3 * 24 * 3600_000, sendTimeoutMs: 5 * 60_000, scanIntervalMs: 30_000,
      clock: systemSchedulingClock, random: Math.random, ...options,
    };
    this.throttles = new Throttles(this.o.concurrency, this.o.batchSize);
    this.runner = new AttemptRunner({ ...this.o, throttle: (transport) => this.throttles.for(transport) });
  }

  /** The throttling state for a transport: its pause and current limits (tests, status). */
  throttleOf(transport: Transport): { pausedUntil: number; concurrency: number; batchSize: number } {
    const t = this.throttles.for(transport);
    return { pausedUntil: t.pause.until, concurrency: t.concurrency.value, batchSize: t.batch.value };
  }

  /** Recovers the spool after a crash, loads what is pending and starts delivering. */
  async start(): Promise<RecoveryReport> {
    const report = await recoverSpool(this.o.spool, undefined, this.o.clock.now());
    await this.scan();
    if (this.o.watch !== false) this.watcher = watchPending(this.o.spool.paths.pending, (name) => this.onPendingChange(name));
    this.scheduleScan();
    this.pump();
    return report;
  }

  /** Look again now: a new entry was enqueued, or a transport became live. */
  wake(): void {
    if (this.stopped) return;
    this.scanThenPump();
  }

  /** Our own removals from pending/ also fire the watcher: only a name we do not know means a new arrival. */
  private onPendingChange(filename: string | undefined): void {
    const id = filename?.endsWith('.eml') ? filename.slice(0, -4) : undefined;
    if (id !== undefined && (this.entries.has(id) || this.settled.has(id))) return;
    this.wake();
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
    await Promise.allSettled(new Set(this.inFlight.values()));
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
      sweepDeadWriters(this.o.spool).catch((err: unknown) => this.o.onError?.(err));
      this.scheduleScan();
    }, this.o.scanIntervalMs);
  }

  private async scan(): Promise<void> {
    const ids = await this.o.spool.pendingIds();
    const present = new Set(ids);
    const withAttempts = new Set(await this.o.spool.attemptIds());
    for (const id of ids) {
      if (this.entries.has(id)) continue;
      const attempt = withAttempts.has(id) ? await this.o.spool.readAttempt(id) : undefined;
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
    const throttle = this.throttles.for(transport);
    const paused = throttle.pause.remainingMs(now);
    if (paused > 0) {
      this.o.clock.clearTimeout(this.retryTimer);
      this.retryTimer = this.o.clock.setTimeout(() => this.pump(), paused);
      return;
    }
    let earliest = Infinity;
    let batch: { id: string; tracked: Tracked }[] = [];
    const limit = Math.min(this.o.concurrency, transport.sendConcurrency ?? Infinity, throttle.concurrency.value);
    const batchSize = Math.min(this.o.batchSize, throttle.batch.value);
    for (const id of this.order) {
      if (this.inFlight.size + batch.length >= limit) break;
      const tracked = this.entries.get(id);
      if (!tracked || this.inFlight.has(id)) continue;
      if (tracked.notBefore > now) {
        earliest = Math.min(earliest, tracked.notBefore);
        continue;
      }
      batch.push({ id, tracked });
      if (batch.length >= batchSize) {
        this.launch(batch, transport);
        batch = [];
      }
    }
    if (batch.length > 0) this.launch(batch, transport);
    this.o.clock.clearTimeout(this.retryTimer);
    if (earliest !== Infinity) this.retryTimer = this.o.clock.setTimeout(() => this.pump(), earliest - now);
  }

  private launch(batch: readonly { id: string; tracked: Tracked }[], transport: Transport): void {
    const run = this.runner.run(batch, transport)
      .then((results) => {
        let delivered = 0;
        results.forEach((result, i) => {
          if (result === 'retry') return;
          this.forget(batch[i]!.id);
          if (result === 'delivered') delivered += 1;
        });
        this.throttles.for(transport).delivered(delivered, this.o.clock.now());
        this.countDeliveries(delivered);
      }, (err: unknown) => {
        // Disk trouble, not the transport's: try these entries again later rather than in a hot loop.
        for (const { tracked } of batch) tracked.notBefore = this.o.clock.now() + UNEXPECTED_ERROR_DELAY_MS;
        this.o.onError?.(err);
      })
      .finally(() => {
        for (const { id } of batch) this.inFlight.delete(id);
        this.pump();
      });
    for (const { id } of batch) this.inFlight.set(id, run);
  }

  /** Folds delivered records into counts.json every 1,000 deliveries (in the background): each fold costs an
   *  fsynced counts.json, and with a batch's records in one file a thousand deliveries are ~10 files. */
  private countDeliveries(n: number): void {
    this.deliveredSinceCompaction += n;
    if (this.deliveredSinceCompaction < 1000 || this.compacting) return;
    this.deliveredSinceCompaction = 0;
    this.compacting = compactDelivered(this.o.spool).then(() => undefined, (err: unknown) => this.o.onError?.(err))
      .finally(() => { this.compacting = undefined; });
  }

  private forget(id: string): void {
    this.entries.delete(id);
    if (this.settled.size >= 10_000) this.settled.clear(); // bounded; worst case one extra scan
    this.settled.add(id);
  }
}
