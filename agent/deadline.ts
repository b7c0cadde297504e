// A per-call deadline: an AbortSignal that aborts after timeoutMs, or when the caller's signal aborts. Built
// by hand and disposed after the call, so a long-lived caller signal gathers no listeners and no timers
// linger (AbortSignal.any/timeout leave both behind until they fire or are collected). The timer is the
// injected one (tests drive it) and unref'd.
import { systemTimers, type Timers } from './clock.ts';
import { AgentError, ErrorCodes } from './errors.ts';

export interface Deadline {
  signal: AbortSignal;
  dispose(): void;
}

export interface DeadlineOptions {
  timers?: Pick<Timers, 'setTimeout' | 'clearTimeout'>;
  /** What the signal aborts with when the time is up (default: a TimeoutError DOMException, as fetch's). */
  reason?: () => unknown;
}

export function deadline(timeoutMs: number, outer?: AbortSignal, options: DeadlineOptions = {}): Deadline {
  const timers = options.timers ?? systemTimers;
  const controller = new AbortController();
  const timer = timers.setTimeout(() => controller.abort(options.reason ? options.reason() : new DOMException('deadline exceeded', 'TimeoutError')), timeoutMs);
  const onOuterAbort = (): void => controller.abort(outer?.reason);
  if (outer?.aborted) onOuterAbort();
  else outer?.addEventListener('abort', onOuterAbort, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      timers.clearTimeout(timer);
      outer?.removeEventListener('abort', onOuterAbort);
    },
  };
}

/**
 * `call` under a deadline that does not trust it to stop: it gets the signal, and the result is abandoned as
 * a transient Timeout when the time is up even if the call ignores the signal, so a hung server never holds
 * a delivery slot (or stop()) forever. The outcome of such a call is unknown.
 */
export async function withDeadline<T>(timers: Pick<Timers, 'setTimeout' | 'clearTimeout'>, ms: number, what: string, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  let error: AgentError | undefined;
  const timeout = (): AgentError => (error ??= new AgentError(ErrorCodes.Timeout, `${what} did not finish within ${Math.round(ms / 1000)} s`, { transient: true }));
  const limit = deadline(ms, undefined, { timers, reason: timeout });
  const expired = new Promise<never>((_, reject) => {
    limit.signal.addEventListener('abort', () => reject(timeout()), { once: true });
  });
  try {
    return await Promise.race([call(limit.signal), expired]);
  } finally {
    limit.dispose();
  }
}
