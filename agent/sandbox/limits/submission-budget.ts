// MessageRateLimit as a debt clock per mailbox: each message sent takes the mailbox's next submission slot
// (one every 60,000/rate ms) and waits in the Outbox until then. The debt is how far the next free slot lies
// ahead. A request that finds more than half the allowance (`aheadMs`, OUTBOX_AHEAD_MS by default) owed is
// refused with ErrorServerBusy and a BackOffMilliseconds after which it is down to a quarter; the items of a
// request let in are queued up to the whole allowance, and beyond it, as Exchange does with an overdrawn
// budget, each next item waits until the budget has recharged by one message.

/** How far ahead of the rate a mailbox may submit before it is over budget (by default). */
export const OUTBOX_AHEAD_MS = 10_000;

export class SubmissionBudget {
  readonly #nextSlot = new Map<string, number>();
  readonly #now: () => number;
  #rate: number | undefined;
  #aheadMs = OUTBOX_AHEAD_MS;

  constructor(now: () => number) {
    this.#now = now;
  }

  setRate(ratePerMinute: number | undefined, aheadMs = OUTBOX_AHEAD_MS): void {
    this.#rate = ratePerMinute;
    this.#aheadMs = aheadMs;
    if (ratePerMinute === undefined) this.#nextSlot.clear();
  }

  get limited(): boolean {
    return this.#rate !== undefined;
  }

  /** Milliseconds between two submissions of one mailbox (0 without a rate). */
  get intervalMs(): number {
    return this.#rate === undefined ? 0 : 60_000 / this.#rate;
  }

  debtMs(mailbox: string): number {
    return Math.max(0, (this.#nextSlot.get(mailbox) ?? 0) - this.#now());
  }

  /** Too far behind for a new request (over half the allowance): how long until a quarter is left (else undefined). */
  overdrawnMs(mailbox: string): number | undefined {
    const debt = this.debtMs(mailbox);
    return this.limited && debt > this.#aheadMs / 2 ? Math.ceil(debt - this.#aheadMs / 4) : undefined;
  }

  /** How long the next item must wait before the mailbox is back within its allowance (0: now). */
  waitMs(mailbox: string): number {
    return this.limited ? Math.max(0, this.debtMs(mailbox) - this.#aheadMs + this.intervalMs) : 0;
  }

  /** Takes the mailbox's next slot: when the message leaves the Outbox (now, without a rate). */
  take(mailbox: string): number {
    const now = this.#now();
    if (!this.limited) return now;
    const slot = Math.max(now, this.#nextSlot.get(mailbox) ?? 0);
    this.#nextSlot.set(mailbox, slot + this.intervalMs);
    return slot;
  }
}
