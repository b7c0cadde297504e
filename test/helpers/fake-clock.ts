// A manual clock for the worker, the reconciler and the status writer: timers fire only when the test advances
// time, so a retry's schedule or a heartbeat is driven by the test, never waited for.
import type { SchedulingClock, Timers } from '../../agent/clock.ts';

interface Timer { at: number; fn: () => void; id: number; every?: number }

export class FakeClock implements SchedulingClock, Timers {
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

  setInterval(fn: () => void, ms: number): unknown {
    const every = Math.max(1, ms);
    const timer = { at: this.t + every, fn, id: this.nextId++, every };
    this.timers.push(timer);
    return timer.id;
  }

  clearInterval(handle: unknown): void {
    this.clearTimeout(handle);
  }

  /** Moves time forward, firing due timers in order; returns how many fired. */
  advance(ms: number): number {
    const until = this.t + ms;
    let fired = 0;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      if (due.every !== undefined) this.timers.push({ ...due, at: due.at + due.every });
      this.t = Math.max(this.t, due.at);
      fired += 1;
      due.fn();
    }
    this.t = until;
    return fired;
  }

  /** Moves time to the earliest pending timer and fires it (and any due with it); returns how far it moved. */
  advanceToNext(): number {
    const next = this.nextDue();
    if (next === undefined) throw new Error('no timer is pending');
    const step = Math.max(0, next - this.t);
    this.advance(step);
    return step;
  }

  /** The earliest pending timer's due time, for asserting a retry's schedule. */
  nextDue(): number | undefined {
    return this.timers.map((t) => t.at).sort((a, b) => a - b)[0];
  }
}
