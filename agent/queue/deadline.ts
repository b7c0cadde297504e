// A per-call deadline on the injected clock: the transport gets an AbortSignal, and the call is
// abandoned as a transient Timeout even if the transport ignores the signal, so a hung server never
// holds a delivery slot (or stop()) forever. The outcome of such a send is unknown.
import { AgentError, ErrorCodes } from '../errors.ts';
import type { Clock } from './clock.ts';

export async function withDeadline<T>(clock: Clock, ms: number, what: string, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: unknown;
  const expired = new Promise<never>((_, reject) => {
    timer = clock.setTimeout(() => {
      const error = new AgentError(ErrorCodes.Timeout, `${what} did not finish within ${Math.round(ms / 1000)} s`, { transient: true });
      controller.abort(error);
      reject(error);
    }, ms);
  });
  try {
    return await Promise.race([call(controller.signal), expired]);
  } finally {
    clock.clearTimeout(timer);
  }
}
