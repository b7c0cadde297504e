// The back-off the sandbox advised each account, and what came in before it was over. Exchange answers
// ErrorServerBusy again to a request inside the advised BackOffMilliseconds; the sandbox does the same and
// writes each advice and each early request to DATA/throttle.jsonl, so a test or benchmark can show that a
// client honoured them. An early request is a violation only if the client had read the advice before
// sending it: it came on the same connection (HTTP/1.1 answers in order), or on another one more than
// IN_FLIGHT_GRACE_MS after the advice was written out; a request arriving sooner may have left the client
// while the advice was on its way (a concurrent client cannot do better), and is logged as not a violation.
import type { Socket } from 'node:net';
import type { ThrottleLog } from './throttle-log.ts';

/** Time for an answer to reach a client and be acted on, during which its other connections may still send. */
export const IN_FLIGHT_GRACE_MS = 100;

interface Window {
  advisedAt: number;
  until: number;
  socket: Socket;
  /** When the advice's last byte was handed to the socket (undefined: not yet). */
  writtenAt?: number;
}

export interface Early {
  /** Milliseconds left of the window. */
  remainingMs: number;
}

export class BackoffWindows {
  readonly #windows = new Map<string, Window>();
  readonly #log: ThrottleLog;
  readonly #now: () => number;

  constructor(log: ThrottleLog, now: () => number) {
    this.#log = log;
    this.#now = now;
  }

  /** Records an advice of `backoffMs` (answered on `socket`); call written() once the answer is out. */
  advise(account: string, code: string, backoffMs: number, socket: Socket): { written: () => void } {
    const now = this.#now();
    const window: Window = { advisedAt: now, until: now + backoffMs, socket };
    const current = this.#windows.get(account);
    if (!current || current.until <= window.until) this.#windows.set(account, window);
    this.#log.write({ event: 'advised', account, code, backoffMs, until: new Date(window.until).toISOString() });
    return { written: () => { window.writtenAt ??= this.#now(); } };
  }

  /** A request from `account` on `socket`: inside an advised window? (logged when so). */
  check(account: string, socket: Socket): Early | undefined {
    const window = this.#windows.get(account);
    const now = this.#now();
    if (!window) return undefined;
    if (now >= window.until) {
      this.#windows.delete(account);
      return undefined;
    }
    const sameConnection = window.socket === socket;
    const afterAdviceMs = window.writtenAt === undefined ? null : now - window.writtenAt;
    const violation = sameConnection || (afterAdviceMs !== null && afterAdviceMs > IN_FLIGHT_GRACE_MS);
    this.#log.write({
      event: 'early', account, remainingMs: window.until - now, sameConnection, afterAdviceMs, violation,
      advisedAt: new Date(window.advisedAt).toISOString(),
    });
    return { remainingMs: window.until - now };
  }

  clear(): void {
    this.#windows.clear();
  }
}
