// A server's "not now": sends stop until the advised time (BackOffMilliseconds, Retry-After). Without advice
// the pause doubles from 1 s per consecutive busy answer (up to 1 minute) and starts over after a success.

export const FIRST_PAUSE_MS = 1_000;
export const LONGEST_UNADVISED_PAUSE_MS = 60_000;

export class SendPause {
  #until = 0;
  #unadvised = 0;

  /** Epoch ms before which nothing is sent (0 or past: not paused). */
  get until(): number {
    return this.#until;
  }

  remainingMs(now: number): number {
    return Math.max(0, this.#until - now);
  }

  /** A busy answer at `now`, with the server's advice if it gave one; returns the pause's end. */
  busy(now: number, advisedMs?: number): number {
    let ms: number;
    if (advisedMs !== undefined && Number.isFinite(advisedMs) && advisedMs >= 0) ms = advisedMs;
    else {
      ms = Math.min(LONGEST_UNADVISED_PAUSE_MS, FIRST_PAUSE_MS * 2 ** this.#unadvised);
      this.#unadvised += 1;
    }
    this.#until = Math.max(this.#until, now + ms);
    return this.#until;
  }

  succeeded(): void {
    this.#unadvised = 0;
  }
}
