// A manual clock for the worker: timers fire only when the test advances time.
import type { SchedulingClock } from '../../agent/clock.ts';

interface Timer { at: number; fn: () => void; id: number }

export class FakeClock implements SchedulingClock {
  private t: number;
  private timers: Timer[] = [];
  private nextId = 1;

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const timer = { at: this.t + Math.max(0, ms), fn, id: this.nextId++ };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const until = this.t + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.t = Math.max(this.t, due.at);
      due.fn();
    }
    this.t = until;
  }

  /** The earliest pending timer's due time, for asserting a retry's schedule. */
  nextDue(): number | undefined {
    return this.timers.map((t) => t.at).sort((a, b) => a - b)[0];
  }
}
