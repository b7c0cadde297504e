// The level-triggered reconciler: whatever happened before, it drives the live transport toward the
// newest snapshot of the settings file. One attempt at a time; a newer file abandons the attempt in
// progress at its next step; transient failures come back after a capped, jittered backoff; permanent
// ones wait for a new file (or SIGHUP). `liveTransport()` is what the delivery worker sends through.
import { hostname } from 'node:os';
import { systemClock, systemTimers, type Timers } from '../clock.ts';
import { silentLog } from '../log/types.ts';
import { shortRevision as short } from '../config/revision.ts';
import * as t from '../status/transitions.ts';
import type { Transport } from '../transports/transport.ts';
import type { SourceSnapshot } from '../watch/snapshot.ts';
import { attempt, type AttemptOutput, type FinalMark } from './attempt.ts';
import { defaultBackoff, retryDelayMs, type BackoffPolicy } from '../throttle/backoff.ts';
import type { AttemptDeps, AttemptResult, LiveSettings } from './types.ts';

export interface ReconcilerOptions extends Omit<AttemptDeps, 'log' | 'clock' | 'host'>, Partial<Pick<AttemptDeps, 'log' | 'clock' | 'host'>> {
  timers?: Timers;
  random?: () => number;
  backoff?: BackoffPolicy;
  /** A revision went live (the delivery worker wakes). */
  onLive?(live: LiveSettings): void;
  /** An attempt ended (metrics); `reason` is the status file's reason when it failed. */
  onAttempt?(result: AttemptResult, reason: string | undefined): void;
  /** How long a replaced transport stays open for deliveries already under way (default 30 s). */
  retireAfterMs?: number;
  /**
   * On stop, how long the step in progress may take before its request is aborted (default 5 s): a hung
   * server must not hold SIGTERM until the request deadline (systemd would SIGKILL first).
   */
  stopGraceMs?: number;
}

const DEFAULT_STOP_GRACE_MS = 5_000;

export class Reconciler {
  private readonly deps: AttemptDeps;
  private readonly options: ReconcilerOptions;
  private readonly timers: Timers;
  private desired: SourceSnapshot | undefined;
  private force = false;
  private dirty = false;
  private running: Promise<void> | undefined;
  private stopping = false;
  private live: LiveSettings | undefined;
  private lastFinal: FinalMark | undefined;
  private lastResult: AttemptResult | undefined;
  private retryTimer: unknown;
  private retryAttempt = 0;
  private readonly retiring = new Set<Transport>();
  private idleWaiters: (() => void)[] = [];
  /** Aborts the attempt in progress (only when stop() outlives its grace period). */
  private attemptAbort: AbortController | undefined;

  constructor(options: ReconcilerOptions) {
    this.options = options;
    this.timers = options.timers ?? systemTimers;
    this.deps = { ...options, log: options.log ?? silentLog, clock: options.clock ?? systemClock, host: options.host ?? hostname() };
  }

  /** The newest snapshot of the settings file; `force` re-attempts even a state that failed for good. */
  offer(snapshot: SourceSnapshot, force = false): void {
    if (this.stopping) return;
    this.desired = snapshot;
    this.force ||= force;
    this.cancelRetry();
    this.kick();
  }

  liveTransport(): Transport | undefined {
    return this.live?.transport;
  }

  liveSettings(): LiveSettings | undefined {
    return this.live;
  }

  /**
   * The live settings with what their transport learned since it was verified (endpoint, server version and
   * build: EWS finds them again after the mailbox moved to an older server); undefined when nothing changed.
   */
  followLiveInfo(): LiveSettings | undefined {
    const live = this.live;
    const now = live?.transport.currentInfo?.();
    if (!live || !now) return undefined;
    const { endpoint, serverVersion, serverBuild } = now;
    if (endpoint === live.info.endpoint && serverVersion === live.info.serverVersion && serverBuild === live.info.serverBuild) return undefined;
    this.live = { ...live, info: { ...live.info, endpoint, ...(serverVersion !== undefined ? { serverVersion } : {}), ...(serverBuild !== undefined ? { serverBuild } : {}) } };
    return this.live;
  }

  /** Resolves when no attempt is running or due now; gives the last attempt's result. */
  async settled(): Promise<AttemptResult | undefined> {
    if (this.running || this.dirty) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    return this.lastResult;
  }

  /** Finishes the step in progress, then closes every transport. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.cancelRetry();
    const grace = this.timers.setTimeout(() => this.attemptAbort?.abort(), this.options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS);
    await this.running;
    this.timers.clearTimeout(grace);
    const all = [...this.retiring, ...(this.live ? [this.live.transport] : [])];
    this.retiring.clear();
    this.live = undefined;
    await Promise.allSettled(all.map((tr) => tr.close()));
  }

  private kick(): void {
    this.dirty = true;
    if (this.running) return;
    this.running = this.loop().finally(() => {
      this.running = undefined;
      if (this.dirty && !this.stopping) this.kick();
      else for (const wake of this.idleWaiters.splice(0)) wake();
    });
  }

  private async loop(): Promise<void> {
    while (this.dirty && !this.stopping && this.desired) {
      this.dirty = false;
      const snapshot = this.desired;
      const force = this.force;
      this.force = false;
      this.attemptAbort = new AbortController();
      try {
        this.lastResult = await this.handle(await attempt(this.deps, {
          snapshot, live: this.live, force, lastFinal: this.lastFinal, signal: this.attemptAbort.signal,
          // A newer revision (not merely a re-digest of the same file) or shutdown ends this attempt.
          abandoned: () => this.stopping || (this.dirty && this.revisionOf(this.desired) !== this.revisionOf(snapshot)),
        }));
        this.options.onAttempt?.(this.lastResult, this.deps.status.current().lastAttempted?.reason);
      } catch (err) {
        // Status or state writes failed (disk full?): log, and try again later rather than die.
        this.deps.log.error('reconcile attempt failed unexpectedly', { error: err instanceof Error ? err.message : 'unknown' });
        this.lastResult = 'retrying';
        this.options.onAttempt?.('retrying', 'Internal');
        this.retryAttempt += 1;
        this.scheduleRetry(retryDelayMs(this.retryAttempt, this.options.backoff ?? defaultBackoff, this.options.random ?? Math.random));
      }
    }
  }

  private revisionOf(snapshot: SourceSnapshot | undefined): string | undefined {
    return snapshot?.kind === 'present' ? snapshot.revision : snapshot?.kind;
  }

  private async handle(out: AttemptOutput): Promise<AttemptResult> {
    switch (out.result) {
      case 'ready':
      case 'unchanged':
        this.goLive(out.live);
        this.lastFinal = undefined;
        this.retryAttempt = 0;
        return out.result;
      case 'rejected':
        this.lastFinal = out.final;
        return out.result;
      case 'failed':
        return this.failed(out);
      default:
        return out.result;
    }
  }

  /** A failed step: stalled when no retry can help, else retried after the backoff. */
  private async failed(out: Extract<AttemptOutput, { result: 'failed' }>): Promise<AttemptResult> {
    const { failure, revision } = out;
    const now = this.deps.clock.now();
    const base = { revision, step: failure.step, reason: failure.error.code, message: failure.error.message, at: new Date(now).toISOString(), durationMs: out.durationMs };
    if (!failure.transient) {
      this.lastFinal = out.final;
      this.retryAttempt = 0;
      await this.deps.status.update((d) => t.failed(d, base));
      this.deps.log.warn('stalled: a new settings file (or SIGHUP) is needed', { revision: short(revision), reason: failure.error.code });
      return 'stalled';
    }
    this.retryAttempt += 1;
    const delay = retryDelayMs(this.retryAttempt, this.options.backoff ?? defaultBackoff, this.options.random ?? Math.random, failure.error.backoffMs);
    const nextRetryAt = new Date(now + delay).toISOString();
    await this.deps.status.update((d) => t.failed(d, { ...base, nextRetryAt }));
    this.deps.log.warn('transient failure; retrying', { revision: short(revision), reason: failure.error.code, retryInMs: delay });
    this.scheduleRetry(delay);
    return 'retrying';
  }

  private goLive(next: LiveSettings): void {
    const previous = this.live;
    this.live = next;
    if (previous && previous.transport !== next.transport) this.retire(previous.transport);
    this.options.onLive?.(next);
  }

  /** The replaced transport stays open a while: deliveries that took it before the swap finish on it. */
  private retire(transport: Transport): void {
    this.retiring.add(transport);
    this.timers.setTimeout(() => {
      if (!this.retiring.delete(transport)) return;
      transport.close().catch(() => undefined);
    }, this.options.retireAfterMs ?? 30_000);
  }

  private scheduleRetry(delayMs: number): void {
    this.cancelRetry();
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = undefined;
      if (this.desired) this.kick();
    }, delayMs);
  }

  private cancelRetry(): void {
    if (this.retryTimer !== undefined) this.timers.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }
}
