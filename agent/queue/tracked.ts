// What the worker keeps in memory per pending notification (rebuilt from attempts/ at start).
import type { AttemptRecord } from './spool-types.ts';

export interface Tracked {
  attempts: number;
  firstAttemptAt?: string;
  /** Not before this time (ms): a retry's backoff. */
  notBefore: number;
  /** The last attempt's outcome is unknown: ask wasSent before sending again. */
  unknown: boolean;
  /** When that attempt ended (ms; after a crash, when the agent recovered), if known: wasSent's window counts from it. */
  lastAttemptAt?: number;
}

export function trackedFrom(attempt: AttemptRecord | undefined): Tracked {
  if (!attempt) return { attempts: 0, notBefore: 0, unknown: false };
  const lastAttemptAt = Date.parse(attempt.lastAttemptAt ?? attempt.inProgressSince ?? '');
  return {
    attempts: attempt.attempts,
    firstAttemptAt: attempt.firstAttemptAt,
    notBefore: attempt.nextAttemptAt ?? 0,
    unknown: attempt.outcomeUnknown === true || attempt.inProgressSince !== undefined,
    ...(Number.isFinite(lastAttemptAt) ? { lastAttemptAt } : {}),
  };
}

