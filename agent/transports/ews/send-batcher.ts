// Group commit for sends: while the connections are busy, messages that arrive wait and go together in
// the next CreateItem (up to maxBatch), so a full queue costs one request per batch instead of one per
// message. A message alone goes at once, as a plain send. Each caller still gets its own outcome.
import { AgentError } from '../../errors.ts';
import { abortError } from '../../http/errors.ts';
import type { OutgoingMessage } from '../transport.ts';
import type { ItemOutcome } from './create-items-response.ts';

interface Waiting {
  message: OutgoingMessage;
  signal: AbortSignal | undefined;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface SendBatcherOptions {
  /** Requests in flight at once (the HTTP layer's connections per origin). */
  maxInFlight: number;
  maxBatch: number;
  /** Total MIME bytes per request, so a batch never nears Exchange's request size limit. */
  maxBytes: number;
  sendOne(message: OutgoingMessage, signal: AbortSignal | undefined): Promise<void>;
  sendMany(messages: OutgoingMessage[]): Promise<ItemOutcome[]>;
  /** A refused item's error (the same one a single send would have thrown). */
  itemError(outcome: Required<Pick<ItemOutcome, 'serverCode'>> & ItemOutcome): AgentError;
  host: string;
}

export class SendBatcher {
  private readonly o: SendBatcherOptions;
  private readonly queue: Waiting[] = [];
  private inFlight = 0;

  constructor(options: SendBatcherOptions) {
    this.o = options;
  }

  send(message: OutgoingMessage, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError(signal.reason, this.o.host));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ message, signal, resolve, reject });
      this.drain();
    });
  }

  private drain(): void {
    while (this.inFlight < this.o.maxInFlight && this.queue.length > 0) {
      const batch = this.take();
      if (batch.length === 0) continue;
      this.inFlight += 1;
      void this.run(batch).finally(() => {
        this.inFlight -= 1;
        this.drain();
      });
    }
  }

  /** The next messages whose callers still wait, within the batch limits. */
  private take(): Waiting[] {
    const batch: Waiting[] = [];
    let bytes = 0;
    while (this.queue.length > 0 && batch.length < this.o.maxBatch) {
      const next = this.queue[0]!;
      if (next.signal?.aborted) {
        this.queue.shift();
        next.reject(abortError(next.signal.reason, this.o.host));
        continue;
      }
      if (batch.length > 0 && bytes + next.message.mime.length > this.o.maxBytes) break;
      bytes += next.message.mime.length;
      batch.push(this.queue.shift()!);
    }
    return batch;
  }

  private async run(batch: Waiting[]): Promise<void> {
    if (batch.length === 1) {
      const [only] = batch as [Waiting];
      await this.o.sendOne(only.message, only.signal).then(only.resolve, only.reject);
      return;
    }
    let outcomes: ItemOutcome[];
    try {
      outcomes = await this.o.sendMany(batch.map((w) => w.message));
    } catch (err) {
      for (const w of batch) w.reject(err);
      return;
    }
    batch.forEach((w, i) => {
      const outcome = outcomes[i] ?? {};
      if (outcome.serverCode === undefined) w.resolve();
      else w.reject(this.o.itemError({ ...outcome, serverCode: outcome.serverCode }));
    });
  }
}
