// A per-call deadline signal: aborts after timeoutMs, or when the caller's signal aborts. Built by hand
// and disposed after the call, so a long-lived caller signal gathers no listeners and no timers linger
// (AbortSignal.any/timeout leave both behind until they fire or are collected).
export interface Deadline {
  signal: AbortSignal;
  dispose(): void;
}

export function deadline(timeoutMs: number, outer?: AbortSignal): Deadline {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('deadline exceeded', 'TimeoutError')), timeoutMs);
  timer.unref();
  const onOuterAbort = (): void => controller.abort(outer?.reason);
  if (outer?.aborted) onOuterAbort();
  else outer?.addEventListener('abort', onOuterAbort, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuterAbort);
    },
  };
}
