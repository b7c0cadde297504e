// Where a sent message goes: delivered at once (no limits: before the request is answered, as before), or
// through the Outbox as Exchange does under MessageRateLimit: it waits there until the mailbox's next
// submission slot, is delivered then, and stays in the Outbox another `sentItemsLagMs` before its copy is in
// Sent Items or the folder the client named (SendAndSaveCopy) or it is gone (SendOnly). FindItem sees it in
// the Outbox meanwhile.
import type { Address } from '../mailbox/message.ts';
import type { Delivery, MailboxStore, SavedItem } from '../mailbox/store.ts';
import type { SubmissionBudget } from './submission-budget.ts';

export interface Outgoing {
  /** The sending account's address (whose budget and folders). */
  owner: string;
  mime: Buffer;
  recipients: Address[];
  record: Omit<Delivery, 'files'>;
  /** The folder that keeps the sent copy (Sent Items unless the client named another); none: no copy. */
  copyTo?: string;
  /** What the Outbox and Sent Items show; `id` keeps a draft's id (SendItem). */
  item: Pick<SavedItem, 'subject' | 'internetMessageId' | 'message'> & { id?: string };
}

const CHANGE_KEY = 'CQAAABYAAAA';

export class Outbox {
  readonly #store: MailboxStore;
  readonly #budget: SubmissionBudget;
  readonly #lagMs: () => number;
  readonly #now: () => number;
  readonly #timers = new Set<NodeJS.Timeout>();
  #closed = false;

  constructor(store: MailboxStore, budget: SubmissionBudget, lagMs: () => number, now: () => number) {
    this.#store = store;
    this.#budget = budget;
    this.#lagMs = lagMs;
    this.#now = now;
  }

  /** Messages still waiting to go out or to reach Sent Items. */
  get waiting(): number {
    return this.#timers.size;
  }

  async submit(o: Outgoing): Promise<void> {
    const lag = this.#lagMs();
    if (!this.#budget.limited && lag === 0) {
      const delivery = await this.#store.deliver(o.mime, o.recipients, o.record);
      if (o.copyTo) this.#saveSent(o, o.copyTo, o.item.id ?? this.#store.nextId(), delivery.time);
      else if (o.item.id) this.#store.remove(o.item.id);
      return;
    }
    const id = o.item.id ?? this.#store.nextId();
    const { id: _draft, ...shown } = o.item;
    this.#store.save({ ...shown, id, changeKey: CHANGE_KEY, owner: o.owner, folder: 'outbox' });
    const slot = this.#budget.take(o.owner);
    const wait = slot - this.#now();
    if (wait <= 0) await this.#release(o, id, lag);
    else this.#later(wait, () => this.#release(o, id, lag));
  }

  close(): void {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  async #release(o: Outgoing, id: string, lag: number): Promise<void> {
    const delivery = await this.#store.deliver(o.mime, o.recipients, { ...o.record, time: new Date(this.#now()).toISOString() });
    const leave = (): void => {
      if (o.copyTo) this.#saveSent(o, o.copyTo, id, delivery.time);
      else this.#store.remove(id);
    };
    if (lag > 0) this.#later(lag, leave);
    else leave();
  }

  #saveSent(o: Outgoing, folder: string, id: string, sentAt: string): void {
    const { id: _draft, ...shown } = o.item;
    const item = this.#store.get(id);
    if (item) this.#store.move(id, folder, { ...shown, sentAt });
    else this.#store.save({ ...shown, id, changeKey: CHANGE_KEY, owner: o.owner, folder, sentAt });
  }

  #later(ms: number, run: () => void | Promise<void>): void {
    if (this.#closed) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      // A delivery that fails (the data dir gone) leaves the message in the Outbox, as a stuck one would.
      Promise.resolve().then(run).catch(() => undefined);
    }, ms);
    this.#timers.add(timer);
  }
}
