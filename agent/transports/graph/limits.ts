// Exchange Online's limits a sender keeps to (learn.microsoft.com/graph/throttling-limits, Exchange Online
// limits): at most four requests at once per app and mailbox, and 30 messages a minute per mailbox — the
// pace sends keep by default (MAIL_AGENT_GRAPH_MESSAGES_PER_MINUTE changes it, for a tenant with other
// limits, or a benchmark). Both wait in line, abortable; nothing here fails a send.
import type { Clock } from '../../clock.ts';

export const MAILBOX_CONCURRENCY = 4;
export const DEFAULT_MESSAGES_PER_MINUTE = 30;

/** At most `size` holders at once. */
export class Semaphore {
  private held = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly size: number;

  constructor(size: number) {
    this.size = size;
  }

  async run<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
    if (this.held >= this.size) {
      await new Promise<void>((resolve, reject) => {
        const go = (): void => { signal?.removeEventListener('abort', stop); resolve(); };
        const stop = (): void => {
          const i = this.waiting.indexOf(go);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
        };
        this.waiting.push(go);
        signal?.addEventListener('abort', stop, { once: true });
      });
    } else {
      this.held += 1;
    }
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.held -= 1;
    }
  }
}

/** The agent's clock (clock.ts) and a sleep that an abort ends. */
export interface PaceClock extends Clock {
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realPaceClock: PaceClock = {
  now: () => Date.now(),
  sleep: (ms, signal) => new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { signal?.removeEventListener('abort', stop); resolve(); }, ms);
    const stop = (): void => { clearTimeout(timer); reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted')); };
    signal?.addEventListener('abort', stop, { once: true });
  }),
};

/** At most `perMinute` sends in any 60 seconds: a send beyond waits until the oldest leaves the window. */
export class Pace {
  private readonly sent: number[] = [];
  private tail: Promise<void> = Promise.resolve();
  private readonly perMinute: number;
  private readonly clock: PaceClock;

  constructor(perMinute: number, clock: PaceClock = realPaceClock) {
    this.perMinute = perMinute;
    this.clock = clock;
  }

  /** Resolves when a send may go; sends are let through in the order they asked. */
  slot(signal?: AbortSignal): Promise<void> {
    const turn = this.tail.then(() => this.take(signal));
    this.tail = turn.catch(() => undefined);
    return turn;
  }

  private async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      while (this.sent.length > 0 && (this.sent[0] ?? 0) <= now - 60_000) this.sent.shift();
      if (this.sent.length < this.perMinute) {
        this.sent.push(now);
        return;
      }
      await this.clock.sleep((this.sent[0] ?? now) + 60_000 - now, signal);
    }
  }
}

/** The pace from the environment, or Exchange Online's default. */
export function messagesPerMinute(env: NodeJS.ProcessEnv): number {
  const value = Number(env.MAIL_AGENT_GRAPH_MESSAGES_PER_MINUTE);
  return Number.isInteger(value) && value > 0 ? value : DEFAULT_MESSAGES_PER_MINUTE;
}
