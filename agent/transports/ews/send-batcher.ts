// Group commit for sends, and the transport's side of throttling. While the connections are busy, messages
// that arrive wait and go together in the next CreateItem, so a full queue costs one request per batch; a
// message alone goes at once. Each caller still gets its own outcome:
// - a busy answer (any ServerBusy: ErrorServerBusy, ErrorExceededConnectionCount, 503, …) pauses every send
//   until the advised time: nothing is sent before it ends (so no request goes inside an advised back-off
//   window); the waiting messages wait for it (handed back unsent if it is long); connections and batch size
//   are halved, and come back one step at a time as requests succeed (AIMD);
// - an item the server did not get to (ErrorBatchProcessingStopped) is simply sent again, in a smaller batch;
// - a request refused as a whole for what it carried (ErrorSchemaValidation, an unknown code, …) is split:
//   its messages go again one by one, so one bad message fails alone;
// - batches stay well inside Exchange's one-minute batch limit: their size follows the time an item took.
// The transport's other requests to the mailbox (wasSent's FindItem) go through the same queue (schedule()),
// so they too wait for a connection and never go inside a pause.
import { AgentError, ErrorCodes } from '../../errors.ts';
import { abortError } from '../../http/errors.ts';
import { AimdLimit } from '../../throttle/aimd.ts';
import { SendPause } from '../../throttle/pause.ts';
import type { OutgoingMessage } from '../transport.ts';
import { EXCHANGE_BATCH_LIMIT_MS } from './create-items.ts';
import type { ItemOutcome } from './response-messages.ts';

interface Waiting {
  message: OutgoingMessage;
  signal: AbortSignal | undefined;
  resolve: () => void;
  reject: (error: unknown) => void;
  /** Part of a request refused as a whole: sent on its own now, for an outcome of its own. */
  alone?: boolean;
  lookup?: undefined;
}

/** Another request (a FindItem), run on a connection of its own when its turn comes. */
interface Lookup {
  lookup: () => Promise<void>;
  signal: AbortSignal | undefined;
  reject: (error: unknown) => void;
}

type Queued = Waiting | Lookup;

export interface SendBatcherOptions {
  /** Requests in flight at once at most (the HTTP layer's connections per origin). */
  maxInFlight: number;
  maxBatch: number;
  /** Total MIME bytes per request, so a batch never nears Exchange's request size limit. */
  maxBytes: number;
  /** One request for these messages: an outcome per message, in order; throws when it failed as a whole. */
  sendMany(messages: OutgoingMessage[], signal: AbortSignal | undefined): Promise<ItemOutcome[]>;
  /** A refused item's error. */
  itemError(outcome: Required<Pick<ItemOutcome, 'serverCode'>> & ItemOutcome, message: OutgoingMessage): AgentError;
  /** The server refused our schema version (the mailbox moved to an older server): the transport probes again. */
  onVersionRefused?(): void;
  /** The account's pause at this server, shared with other transports for it (default: this batcher's own). */
  pause?: SendPause;
  host: string;
  now?: () => number;
}

/** What a batch may take: a third of Exchange's minute, so a slowed-down batch still finishes in time. */
const TARGET_REQUEST_MS = EXCHANGE_BATCH_LIMIT_MS / 3;
/** Messages wait in the queue through a pause up to this long; through a longer one they go back unsent. */
const HOLD_THROUGH_MS = 30_000;

/** Failures that say nothing against the messages of a request (so it is not split): the server's state,
 *  the transport's trouble, or an outcome that may have been a success. */
const NOT_THE_MESSAGES: ReadonlySet<string> = new Set([
  ErrorCodes.ServerBusy, ErrorCodes.ServerUnavailable, ErrorCodes.Timeout, ErrorCodes.ConnectionFailed, ErrorCodes.ProtocolError,
  ErrorCodes.AuthFailed, ErrorCodes.CertificateRejected, ErrorCodes.HostNotFound, ErrorCodes.AutodiscoverFailed,
  ErrorCodes.InvalidServerVersion, ErrorCodes.Internal,
]);

export function isBusy(error: unknown): error is AgentError {
  return error instanceof AgentError && error.code === ErrorCodes.ServerBusy;
}

export class SendBatcher {
  private readonly o: SendBatcherOptions;
  private readonly queue: Queued[] = [];
  private inFlight = 0;
  private readonly connections: AimdLimit;
  private readonly batch: AimdLimit;
  private readonly pause: SendPause;
  /** Milliseconds the server took per item lately (moving average), for the batch size. */
  private msPerItem = 0;
  private readonly now: () => number;
  private resume: NodeJS.Timeout | undefined;

  constructor(options: SendBatcherOptions) {
    this.o = options;
    this.now = options.now ?? Date.now;
    this.pause = options.pause ?? new SendPause();
    this.connections = new AimdLimit({ max: options.maxInFlight, raiseAfter: 10 });
    this.batch = new AimdLimit({ max: options.maxBatch, raiseAfter: 2 });
  }

  /** Until when sends are paused (epoch ms; past: not paused). */
  get pausedUntil(): number {
    return this.pause.until;
  }

  /** The limits now (tests and benchmarks). */
  get limits(): { connections: number; batch: number } {
    return { connections: this.connections.value, batch: this.batch.value };
  }

  send(message: OutgoingMessage, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError(signal.reason, this.o.host));
    if (this.pause.remainingMs(this.now()) > HOLD_THROUGH_MS) return Promise.reject(this.pausedError());
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ message, signal, resolve, reject });
      this.drain();
    });
  }

  /** The transport closes: what still waits goes back unsent. */
  close(): void {
    clearTimeout(this.resume);
    this.resume = undefined;
    // Not a code whose outcome may be a success (ConnectionFailed): these never left.
    const closed = new AgentError(ErrorCodes.ServerUnavailable, `not sent: the transport to ${this.o.host} was closed`, { transient: true });
    for (const w of this.queue.splice(0)) w.reject(closed);
  }

  /** Runs `request` when a connection is free and no pause is on (held through a short one, refused for a long one). */
  schedule<T>(request: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(abortError(signal.reason, this.o.host));
    if (this.pause.remainingMs(this.now()) > HOLD_THROUGH_MS) return Promise.reject(this.pausedError());
    return new Promise<T>((resolve, reject) => {
      const lookup = async (): Promise<void> => {
        try {
          resolve(await request());
        } catch (err) {
          if (isBusy(err)) this.busy(err);
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      };
      this.queue.push({ lookup, signal, reject });
      this.drain();
    });
  }

  /** The error for a send handed back unsent because of a long pause. */
  private pausedError(): AgentError {
    const remaining = this.pause.remainingMs(this.now());
    return new AgentError(ErrorCodes.ServerBusy, `not sent: ${this.o.host} asked for a pause until ${new Date(this.pause.until).toISOString()}`, { transient: true, backoffMs: remaining });
  }

  private drain(): void {
    const remaining = this.pause.remainingMs(this.now());
    if (remaining > HOLD_THROUGH_MS) {
      const paused = this.pausedError();
      for (const w of this.queue.splice(0)) w.reject(paused);
      return;
    }
    if (remaining > 0) {
      // Held until the pause is over (no request inside it), then sent in order.
      if (this.queue.length > 0 && this.resume === undefined) {
        this.resume = setTimeout(() => { this.resume = undefined; this.drain(); }, remaining);
      }
      return;
    }
    while (this.inFlight < this.connections.value && this.queue.length > 0) {
      const head = this.queue[0]!;
      if (head.lookup) {
        this.queue.shift();
        if (head.signal?.aborted) {
          head.reject(abortError(head.signal.reason, this.o.host));
          continue;
        }
        this.inFlight += 1;
        void head.lookup().finally(() => {
          this.inFlight -= 1;
          this.drain();
        });
        continue;
      }
      const batch = this.take();
      if (batch.length === 0) continue;
      this.inFlight += 1;
      void this.run(batch).finally(() => {
        this.inFlight -= 1;
        this.drain();
      });
    }
  }

  /** The next messages whose callers still wait, within the batch limits (a message to send alone, alone). */
  private take(): Waiting[] {
    const batch: Waiting[] = [];
    let bytes = 0;
    const size = this.batchSize();
    while (this.queue.length > 0 && batch.length < size) {
      const next = this.queue[0]!;
      if (next.lookup) break;
      if (next.signal?.aborted) {
        this.queue.shift();
        next.reject(abortError(next.signal.reason, this.o.host));
        continue;
      }
      if (batch.length > 0 && (next.alone || bytes + next.message.mime.length > this.o.maxBytes)) break;
      bytes += next.message.mime.length;
      batch.push(next);
      this.queue.shift();
      if (next.alone) break;
    }
    return batch;
  }

  /** The AIMD limit, and no more items than fit the target time at the pace the server took lately. */
  private batchSize(): number {
    const byTime = this.msPerItem > 0 ? Math.floor(TARGET_REQUEST_MS / this.msPerItem) : Infinity;
    return Math.max(1, Math.min(this.batch.value, byTime));
  }

  private async run(batch: Waiting[]): Promise<void> {
    const started = this.now();
    let outcomes: ItemOutcome[];
    try {
      outcomes = await this.o.sendMany(batch.map((w) => w.message), batch.length === 1 ? batch[0]!.signal : undefined);
    } catch (err) {
      this.refusedWhole(batch, err);
      return;
    }
    const again: Waiting[] = [];
    batch.forEach((w, i) => {
      const outcome = outcomes[i] ?? {};
      if (outcome.serverCode === undefined) return w.resolve();
      if (outcome.serverCode === 'ErrorBatchProcessingStopped') return void again.push(w);
      const error = this.o.itemError({ ...outcome, serverCode: outcome.serverCode }, w.message);
      if (isBusy(error)) this.busy(error);
      w.reject(error);
    });
    const processed = batch.length - again.length;
    if (processed > 0) this.learnPace((this.now() - started) / processed);
    if (again.length > 0) {
      // The server ran out of time for this batch: the rest go again first, in smaller batches.
      this.batch.decrease(this.now(), this.now());
      this.batch.cap(Math.max(1, Math.floor(processed / 2)));
      this.queue.unshift(...again);
    } else {
      const now = this.now();
      this.batch.succeeded(1, now);
      this.connections.succeeded(1, now);
      this.pause.succeeded();
    }
  }

  private refusedWhole(batch: Waiting[], err: unknown): void {
    if (isBusy(err)) this.busy(err);
    if (err instanceof AgentError && err.code === ErrorCodes.InvalidServerVersion) this.o.onVersionRefused?.();
    if (batch.length > 1 && err instanceof AgentError && !NOT_THE_MESSAGES.has(err.code)) {
      // Whatever the cause, refused as a whole for what it carried: each message again, alone.
      this.queue.unshift(...batch.map((w) => ({ ...w, alone: true })));
      return;
    }
    for (const w of batch) w.reject(err);
  }

  /** A busy answer (also to a request not sent here): pause everything until the advised time, and halve connections and batch size. */
  private busy(error: AgentError): void {
    const now = this.now();
    const until = this.pause.busy(now, error.backoffMs);
    this.connections.decrease(now, until);
    this.batch.decrease(now, until);
  }

  private learnPace(ms: number): void {
    this.msPerItem = this.msPerItem === 0 ? ms : this.msPerItem * 0.7 + ms * 0.3;
  }
}
