// The limits of each account's mailbox, applied to every EWS request (http/router.ts) and to each message a
// request sends (ews/submit.ts, ews/ops/create-item.ts): connections, advised back-offs, the submission
// budget, the one-minute batch limit, the message size, the mailbox version.
import type { Socket } from 'node:net';
import type { MailboxStore } from '../mailbox/store.ts';
import { Faults, type Fault } from '../soap/faults.ts';
import { BackoffWindows } from './backoff-windows.ts';
import { changeLimits, DEFAULT_MAX_MESSAGE_SIZE_MB, type ExchangeLimits } from './options.ts';
import { Outbox } from './outbox.ts';
import { SubmissionBudget } from './submission-budget.ts';
import { ThrottleLog } from './throttle-log.ts';

/** "EWS limits the execution time of a batch request to one minute." */
export const BATCH_LIMIT_MS = 60_000;

export interface Admission {
  /** The fault to answer instead of running the request. */
  refused?: Fault;
  /** Call when the answer has been written (the advice then counts as read). */
  answered: () => void;
  /** Call when the request is over (answered or its connection gone): frees its connection slot. */
  leave: () => void;
}

export class MailboxLimits {
  readonly outbox: Outbox;
  readonly #budget: SubmissionBudget;
  readonly #windows: BackoffWindows;
  readonly #log: ThrottleLog;
  readonly #active = new Map<string, number>();
  readonly #sleeping = new Set<() => void>();
  readonly #now: () => number;
  #limits: ExchangeLimits;

  constructor(store: MailboxStore, dataDir: string, limits: Partial<ExchangeLimits> = {}, now: () => number = Date.now) {
    this.#limits = { maxMessageSizeMB: DEFAULT_MAX_MESSAGE_SIZE_MB, ...limits };
    this.#now = now;
    this.#log = new ThrottleLog(dataDir);
    this.#budget = new SubmissionBudget(now);
    this.#budget.setRate(this.#limits.messageRatePerMinute, this.#limits.outboxAheadMs);
    this.#windows = new BackoffWindows(this.#log, now);
    this.outbox = new Outbox(store, this.#budget, () => this.#limits.sentItemsLagMs ?? 0, now);
  }

  get current(): ExchangeLimits {
    return this.#limits;
  }

  /** Applies a change (see options.ts); lifting the rate also forgets advised back-offs. */
  change(change: unknown): ExchangeLimits {
    this.#limits = changeLimits(this.#limits, change);
    this.#budget.setRate(this.#limits.messageRatePerMinute, this.#limits.outboxAheadMs);
    if (this.#limits.messageRatePerMinute === undefined) this.#windows.clear();
    return this.#limits;
  }

  get maxMessageBytes(): number {
    return Math.floor(this.#limits.maxMessageSizeMB * 1024 * 1024);
  }

  /** An authenticated request from `account` arrives on `socket`. */
  admit(account: string, socket: Socket): Admission {
    const active = (this.#active.get(account) ?? 0) + 1;
    this.#active.set(account, active);
    let left = false;
    const admission: Admission = {
      answered: () => undefined,
      leave: () => {
        if (left) return;
        left = true;
        const now = (this.#active.get(account) ?? 1) - 1;
        if (now > 0) this.#active.set(account, now);
        else this.#active.delete(account);
      },
    };
    const max = this.#limits.maxConnections;
    if (max !== undefined && active > max) {
      this.#log.write({ event: 'refused', account, code: 'ErrorExceededConnectionCount', active, max });
      return { ...admission, refused: Faults.exceededConnectionCount(max) };
    }
    const early = this.#windows.check(account, socket);
    if (early) return { ...admission, refused: Faults.serverBusy(early.remainingMs) };
    const over = this.#budget.overdrawnMs(account);
    if (over !== undefined) {
      const advice = this.#windows.advise(account, 'ErrorServerBusy', over, socket);
      return { ...admission, refused: Faults.serverBusy(over), answered: () => advice.written() };
    }
    return admission;
  }

  /**
   * Before each message a request sends: while the mailbox is over budget the item waits for it to recharge.
   * False when that would take the request past its minute: this item and the rest are not processed.
   */
  async pace(account: string, receivedAt: number): Promise<boolean> {
    for (;;) {
      const wait = this.#budget.waitMs(account);
      if (wait <= 0) return true;
      if (this.#now() - receivedAt + wait > (this.#limits.batchLimitMs ?? BATCH_LIMIT_MS)) return false;
      if (!(await this.#sleep(wait))) return false;
    }
  }

  batchStopped(account: string, items: number): void {
    this.#log.write({ event: 'stopped', account, code: 'ErrorBatchProcessingStopped', items });
  }

  close(): void {
    this.outbox.close();
    for (const wake of this.#sleeping) wake();
    this.#log.close();
  }

  /** Resolves true after `ms`, false if the sandbox closes first. */
  #sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.#sleeping.delete(wake);
        resolve(false);
      };
      const timer = setTimeout(() => {
        this.#sleeping.delete(wake);
        resolve(true);
      }, ms);
      this.#sleeping.add(wake);
    });
  }
}
