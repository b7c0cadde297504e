// A limit that backs off like TCP's congestion window (AIMD): halved when the server says it is overloaded,
// at most once per episode (answers to requests already on their way say nothing new), and raised by one
// after every `raiseAfter` successes once the episode is over, back up to its maximum.

export interface AimdOptions {
  max: number;
  min?: number;
  /** Successes per step up (default 1). */
  raiseAfter?: number;
}

export class AimdLimit {
  readonly max: number;
  readonly min: number;
  readonly #raiseAfter: number;
  #value: number;
  #successes = 0;
  /** Until then, further overload signals belong to the same episode. */
  #holdUntil = -Infinity;

  constructor(options: AimdOptions) {
    this.max = options.max;
    this.min = options.min ?? 1;
    this.#raiseAfter = options.raiseAfter ?? 1;
    this.#value = options.max;
  }

  get value(): number {
    return this.#value;
  }

  /** Overloaded: halve, unless already done in this episode (which lasts until `episodeEnd`). */
  decrease(now: number, episodeEnd: number): boolean {
    if (now < this.#holdUntil) return false;
    this.#value = Math.max(this.min, Math.floor(this.#value / 2));
    this.#successes = 0;
    this.#holdUntil = episodeEnd;
    return true;
  }

  /** `n` requests went through at `now` (those still inside the episode do not count: sent before it). */
  succeeded(n: number, now: number): void {
    if (this.#value >= this.max || now < this.#holdUntil) return;
    this.#successes += n;
    while (this.#successes >= this.#raiseAfter && this.#value < this.max) {
      this.#successes -= this.#raiseAfter;
      this.#value += 1;
    }
  }

  /** A new maximum (e.g. a time-based cap): the value never exceeds it. */
  cap(max: number): void {
    this.#value = Math.max(this.min, Math.min(this.#value, max));
  }
}
