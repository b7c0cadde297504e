// A failed reconcile step, normalized: which condition it fails and whether a retry may help (when: the
// shared backoff, throttle/backoff.ts, never sooner than the server asked).
import { AgentError, ErrorCodes, toAgentError } from '../errors.ts';

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
