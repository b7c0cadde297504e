// Runs one ews-javascript-api operation under a deadline. The library cannot be trusted to settle (it hangs
// on a non-XML 500) nor to reject with Errors, so the HTTP adapter reports failures through this context
// (found via AsyncLocalStorage, which follows the library's promise chain) and the first of: the library's
// result, a reported failure, or the deadline wins. The losers are silenced, so nothing leaks as an
// unhandled rejection.
import { AsyncLocalStorage } from 'node:async_hooks';
import { AgentError } from '../../errors.ts';
import { deadline } from '../../deadline.ts';
import { abortError } from '../../http/errors.ts';
import { normalizeLibraryError } from './library-errors.ts';

export interface CallContext {
  signal: AbortSignal;
  fail(error: AgentError): void;
}

const storage = new AsyncLocalStorage<CallContext>();
/** Calls running now: with none, the storage is disabled, which turns off the promise hooks it needs (every
 *  promise of the process paid for them, docs/performance.md "Promise hooks off"). */
let running = 0;

export function currentCall(): CallContext | undefined {
  return storage.getStore();
}

export async function runCall<T>(host: string, timeoutMs: number, signal: AbortSignal | undefined, operation: () => Promise<T>): Promise<T> {
  const bound = deadline(timeoutMs, signal);
  const limit = bound.signal;
  let reportFailure: (error: AgentError) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => { reportFailure = reject; });
  let onAbort: () => void = () => undefined;
  const expired = new Promise<never>((_, reject) => {
    onAbort = () => reject(abortError(limit.reason, host));
    if (limit.aborted) onAbort();
    else limit.addEventListener('abort', onAbort, { once: true });
  });
  const context: CallContext = { signal: limit, fail: (error) => reportFailure(error) };
  running += 1;
  const result = storage.run(context, () => Promise.resolve().then(operation))
    .catch((error: unknown) => { throw normalizeLibraryError(error, host); });
  for (const p of [failed, expired, result]) p.catch(() => undefined);
  try {
    return await Promise.race([result, failed, expired]);
  } finally {
    limit.removeEventListener('abort', onAbort);
    bound.dispose();
    // A library chain still running after its call lost the race finds no context: its requests fail
    // (an Internal AgentError into a promise nobody awaits), as they would with the deadline passed.
    running -= 1;
    if (running === 0) storage.disable();
  }
}
