// Capped exponential backoff with "equal jitter" (half fixed, half random), never shorter than what the
// server asked for (EWS BackOffMilliseconds, Retry-After). One policy for both retries of the agent: the
// delivery worker's (a notification) and the reconciler's (a settings revision).

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const defaultBackoff: BackoffPolicy = { baseMs: 1_000, maxMs: 5 * 60_000 };

export function retryDelayMs(attempt: number, policy: BackoffPolicy, random: () => number, serverBackoffMs?: number): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = exp / 2 + random() * (exp / 2);
  return Math.round(Math.max(jittered, serverBackoffMs ?? 0));
}
