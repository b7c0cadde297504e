// Scripted failures for the dry-run transport: "fail the next N sends transiently/permanently", so the
// worker's retry and failure paths run against a real transport.
import { AgentError, ErrorCodes, type ErrorCode } from '../../../agent/errors.ts';

export interface PlannedFailure {
  kind: 'transient' | 'permanent';
  /** How many consecutive sends fail this way (default 1). */
  times?: number;
  code?: ErrorCode;
  serverCode?: string;
  backoffMs?: number;
  message?: string;
  /** true: the message is written (the server got it) before the error is thrown, like a reset after the request. */
  afterDelivery?: boolean;
}

export class FailurePlan {
  private readonly queue: PlannedFailure[] = [];

  add(failure: PlannedFailure): void {
    this.queue.push({ ...failure, times: failure.times ?? 1 });
  }

  /** The failure for this send, if any is planned. */
  next(): PlannedFailure | undefined {
    const head = this.queue[0];
    if (!head) return undefined;
    head.times = (head.times ?? 1) - 1;
    if (head.times <= 0) this.queue.shift();
    return head;
  }
}

export function plannedError(f: PlannedFailure): AgentError {
  const transient = f.kind === 'transient';
  const code = f.code ?? (transient ? ErrorCodes.ServerBusy : ErrorCodes.RecipientRejected);
  const serverCode = f.serverCode ?? (transient ? 'ErrorServerBusy' : 'ErrorInvalidRecipients');
  return new AgentError(code, f.message ?? `dry-run: planned ${f.kind} failure (${serverCode})`, {
    transient, serverCode, ...(f.backoffMs !== undefined ? { backoffMs: f.backoffMs } : {}),
  });
}
