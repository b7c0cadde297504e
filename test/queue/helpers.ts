// Queue test helpers: a spool in a temp state dir, and notifications submitted through the real path.
import type { MessageSettings } from '../../agent/config/settings.ts';
import type { NotificationLogEntry } from '../../agent/notifications-log/entry.ts';
import { NotificationsLogWriter } from '../../agent/notifications-log/log-writer.ts';
import { Spool } from '../../agent/queue/spool.ts';
import { submitNotification, type Submitted } from '../../agent/queue/submit.ts';
import { DeliveryWorker, type DeliveryWorkerOptions } from '../../agent/queue/worker.ts';
import { statePaths } from '../../agent/state/layout.ts';
import type { Transport } from '../../agent/transports/transport.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { waitFor } from '../helpers/wait.ts';

export const settings: MessageSettings = { charset: 'utf-8', plainText: false, fromDelegation: false };

export async function submitMany(spool: Spool, n: number, prefix = 'n'): Promise<Submitted[]> {
  const out: Submitted[] = [];
  for (let i = 0; i < n; i++) {
    out.push(await submitNotification(spool, { to: [`ops${i}@contoso.com`], subject: `${prefix} ${i}`, body: `body ${i}` }, settings, { cwd: process.cwd() }));
  }
  return out;
}

export { Spool };

/** A transport's beforeSend that holds every send until the test lets it go: how many are in flight at once is
 *  then observed, not left to how long a send happens to take. */
export class HeldSends {
  started = 0;
  released = 0;
  maxInFlight = 0;
  private readonly held: (() => void)[] = [];

  readonly beforeSend = (): Promise<void> => {
    this.started += 1;
    return new Promise((resolve) => {
      this.held.push(resolve);
      this.maxInFlight = Math.max(this.maxInFlight, this.held.length);
    });
  };

  get inFlight(): number {
    return this.held.length;
  }

  releaseAll(): void {
    this.released += this.held.length;
    for (const release of this.held.splice(0)) release();
  }
}

/** A worker on a fake clock over a spool in `state` (random 0.5; no watcher; its outcomes collected). */
export interface Harness {
  spool: Spool;
  clock: FakeClock;
  /** Each outcome, with the fake clock's time when it was recorded. */
  outcomes: (NotificationLogEntry & { clockAt: number })[];
  worker: DeliveryWorker;
  state: string;
}

export async function harness(state: string, getTransport: () => Transport | undefined, extra: Partial<DeliveryWorkerOptions> = {}): Promise<Harness> {
  const spool = await Spool.open(state);
  const clock = new FakeClock();
  const outcomes: Harness['outcomes'] = [];
  const worker = new DeliveryWorker({
    spool, getTransport, clock, random: () => 0.5, watch: false, scanIntervalMs: 36_000_000,
    describeTransport: () => 'dryrun',
    log: new NotificationsLogWriter(statePaths(state).notificationsLog),
    onOutcome: (e) => outcomes.push({ ...e, clockAt: clock.now() }),
    onError: (err) => { throw err; },
    ...extra,
  });
  return { spool, clock, outcomes, worker, state };
}


/** The worker's first `failures` outcomes, each followed by a jump of the fake clock to the retry it scheduled:
 *  the wait before each retry, in ms. Then the outcome after the last of them is awaited too. */
export async function waitsBeforeRetries(h: Harness, failures: number, last: string): Promise<number[]> {
  const waits: number[] = [];
  for (let i = 1; i <= failures; i++) {
    await waitFor(() => h.outcomes.length === i, `outcome ${i}`);
    const due = h.clock.nextDue() ?? 0;
    waits.push(due - h.clock.now());
    h.clock.advance(due - h.clock.now());
  }
  await waitFor(() => h.outcomes.length === failures + 1, last);
  return waits;
}
