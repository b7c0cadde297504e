// Time and timers, injected so tests can drive heartbeats, debounces, retries and deadlines without
// sleeping. The clock reads epoch milliseconds (the spool records times as numbers; a Date is made where a
// timestamp is written).
export interface Clock {
  now(): number;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** A clock that also sets timeouts: what the delivery worker and a deadline take (a test's fake clock is both). */
export type SchedulingClock = Clock & Pick<Timers, 'setTimeout' | 'clearTimeout'>;

export const systemClock: Clock = { now: () => Date.now() };

/** Node's timers, unref'd: a pending heartbeat or retry never keeps a finished process alive by itself. */
export const systemTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  setInterval: (fn, ms) => setInterval(fn, ms).unref(),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

export const systemSchedulingClock: SchedulingClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => systemTimers.setTimeout(fn, ms),
  clearTimeout: (handle) => { systemTimers.clearTimeout(handle); },
};
