// The worker's clock: epoch milliseconds (the spool records times as numbers) and the shared unref'd
// timers of agent/clock.ts, injected so tests drive the retry schedule without sleeping.
import { systemTimers, type Timers } from '../clock.ts';

export interface Clock extends Pick<Timers, 'setTimeout' | 'clearTimeout'> {
  now(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => systemTimers.setTimeout(fn, ms),
  clearTimeout: (handle) => { systemTimers.clearTimeout(handle); },
};
