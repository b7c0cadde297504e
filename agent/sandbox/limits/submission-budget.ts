// MessageRateLimit as a debt clock per mailbox: each message sent takes the mailbox's next submission slot
// (one every 60,000/rate ms) and waits in the Outbox until then. The debt is how far the next free slot
// lies ahead. Up to OUTBOX_AHEAD_MS of debt, messages are simply queued; beyond it the mailbox is over
// budget, and as Exchange does with an overdrawn budget, the server slows the next item of a batch down
// until the budget recharges, and refuses new requests with ErrorServerBusy and a BackOffMilliseconds
// after which half of that backlog has gone out.

/** How far ahead of the rate a mailbox may submit before it is over budget. */
export const OUTBOX_AHEAD_MS = 10_000;

export class SubmissionBudget {
  readonly #nextSlot = new Map<string, number>();
  readonly #now: () => number;
  #rate: number | undefined;

  constructor(ratePerMinute: number | undefined, now: () => number) {
    this.#rate = ratePerMinute;
    this.#now = now;
  }

  setRate(ratePerMinute: number | undefined): void {
    this.#rate = ratePerMinute;
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

  /** Over budget: how long until the backlog is down to half the allowance (undefined when within it). */
  overdrawnMs(mailbox: string): number | undefined {
    const debt = this.debtMs(mailbox);
    return this.limited && debt >= OUTBOX_AHEAD_MS ? Math.ceil(debt - OUTBOX_AHEAD_MS / 2) : undefined;
  }

  /** How long the next item must wait before the mailbox is back within its allowance (0: now). */
  waitMs(mailbox: string): number {
    return this.limited ? Math.max(0, this.debtMs(mailbox) - OUTBOX_AHEAD_MS + this.intervalMs) : 0;
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
