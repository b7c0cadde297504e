// Throttling is the transport's business, not a message's: a busy answer (AgentError ServerBusy, from any
// transport: EWS's ErrorServerBusy and its kin, HTTP 503/429 with Retry-After, …) pauses every send through
// that transport until the advised time, and halves how many notifications the worker has in flight and
// claims together; both come back one step per delivered notification (AIMD). Kept per budget (the account
// at the endpoint the transport reports: Exchange throttles per account), so new settings that talk to the
// same server as the same account find the pause and the lowered limits; per transport object otherwise.
import { AgentError, ErrorCodes } from '../errors.ts';
import { AimdLimit } from '../throttle/aimd.ts';
import { SendPause } from '../throttle/pause.ts';
import { budgetKey } from '../throttle/shared-pauses.ts';
import type { Transport } from '../transports/transport.ts';

export function isThrottling(error: unknown): boolean {
  return error instanceof AgentError && error.code === ErrorCodes.ServerBusy;
}

export class SendThrottle {
  readonly pause = new SendPause();
  readonly concurrency: AimdLimit;
  readonly batch: AimdLimit;

  constructor(maxConcurrency: number, maxBatch: number) {
    this.concurrency = new AimdLimit({ max: maxConcurrency });
    this.batch = new AimdLimit({ max: maxBatch });
  }

  /** A busy answer at `now`: pause until the advised time; halve (once per pause) what goes at once. */
  busy(error: AgentError, now: number): void {
    const until = this.pause.busy(now, error.backoffMs);
    this.concurrency.decrease(now, until);
    this.batch.decrease(now, until);
  }

  /** `n` notifications delivered at `now`: one step back up each, once the pause is over. */
  delivered(n: number, now: number): void {
    if (n <= 0) return;
    this.concurrency.succeeded(n, now);
    this.batch.succeeded(n, now);
    this.pause.succeeded();
  }

  /** Why a send is not attempted now (a busy error like the server's), or undefined when not paused. */
  pausedError(now: number): AgentError | undefined {
    const remaining = this.pause.remainingMs(now);
    if (remaining <= 0) return undefined;
    return new AgentError(ErrorCodes.ServerBusy, `not sent: the server asked for a pause until ${new Date(this.pause.until).toISOString()}`, { transient: true, backoffMs: remaining });
  }
}

export class Throttles {
  readonly #byTransport = new WeakMap<Transport, SendThrottle>();
  readonly #byBudget = new Map<string, SendThrottle>();
  readonly #maxConcurrency: number;
  readonly #maxBatch: number;

  constructor(maxConcurrency: number, maxBatch: number) {
    this.#maxConcurrency = maxConcurrency;
    this.#maxBatch = maxBatch;
  }

  for(transport: Transport): SendThrottle {
    const info = transport.currentInfo?.();
    const key = info && budgetKey(info);
    let throttle = key === undefined ? this.#byTransport.get(transport) : this.#byBudget.get(key);
    if (!throttle) {
      throttle = new SendThrottle(this.#maxConcurrency, this.#maxBatch);
      if (key === undefined) this.#byTransport.set(transport, throttle);
      else this.#byBudget.set(key, throttle);
    }
    return throttle;
  }
}
