// A failed reconcile step, normalized: which condition it fails, whether a retry may help, and when.
import { AgentError, ErrorCodes, toAgentError } from '../errors.ts';
import { retryDelayMs, type BackoffPolicy } from '../queue/backoff.ts';

export interface StepFailure {
  step: 'TransportReady' | 'TestMessageDelivered';
  error: AgentError;
  transient: boolean;
}

export function stepFailure(step: StepFailure['step'], thrown: unknown): StepFailure {
  const error = toAgentError(thrown);
  // An unexpected (non-normalized) failure is retried: a bug must not freeze the agent on old settings.
  return { step, error, transient: error.code === ErrorCodes.Internal || error.transient };
}

export const defaultReconcileBackoff: BackoffPolicy = { baseMs: 1_000, maxMs: 5 * 60_000 };

/** Capped exponential backoff with jitter, never sooner than the server asked (BackOffMilliseconds). */
export function retryDelay(attempt: number, failure: StepFailure, policy: BackoffPolicy, random: () => number): number {
  return retryDelayMs(attempt, policy, random, failure.error.backoffMs);
}
