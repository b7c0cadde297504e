// Writes the status file: atomically (agent/state/atomic-write.ts), one write at a time, and again on a
// heartbeat so that a dead agent shows as a stale file.
import { atomicWrite } from '../state/atomic-write.ts';
import { systemClock, systemTimers, type Clock, type Timers } from '../clock.ts';
import type { StatusDocument } from './model.ts';

export const DefaultHeartbeatMs = 30_000;

export interface StatusWriterOptions {
  path: string;
  initial: StatusDocument;
  heartbeatMs?: number;
  clock?: Clock;
  timers?: Timers;
  write?: (path: string, data: string) => Promise<void>;
  /** File mode (default 0644: pipelines poll it; it holds no secret). */
  mode?: number;
  /** Called when a write fails (the next write retries; the agent keeps running). */
  onError?: (err: unknown) => void;
}

export class StatusWriter {
  readonly path: string;
  readonly heartbeatMs: number;
  private doc: StatusDocument;
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly write: (path: string, data: string) => Promise<void>;
  private readonly onError: (err: unknown) => void;
  private chain: Promise<void> = Promise.resolve();
  /** The write queued behind the one in flight, not yet started: later updates ride on it. */
  private queued: Promise<void> | undefined;
  private heartbeat: unknown;

  constructor(options: StatusWriterOptions) {
    this.path = options.path;
    this.heartbeatMs = options.heartbeatMs ?? DefaultHeartbeatMs;
    this.clock = options.clock ?? systemClock;
    this.timers = options.timers ?? systemTimers;
    this.write = options.write ?? ((path, data) => atomicWrite(path, data, options.mode ?? 0o644));
    this.onError = options.onError ?? (() => undefined);
    this.doc = structuredClone(options.initial);
    this.doc.agent.heartbeatSeconds = this.heartbeatMs / 1000;
  }

  /** A copy of the document as last updated. */
  current(): StatusDocument {
    return structuredClone(this.doc);
  }

  /** Applies `mutate` to the document and writes it; resolves once this state is on disk, or once the
   *  write failed (reported through onError): the status is a report, so a full disk or a read-only
   *  folder must not stop the work it reports on. The heartbeat writes the current document again. */
  update(mutate: (doc: StatusDocument) => void): Promise<void> {
    mutate(this.doc);
    return this.flush().catch(() => undefined);
  }

  /** Writes the current document (sequence and writtenAt advance). Writes never overlap, and updates made
   *  while one is in flight share the next: it takes the document as it is when it starts, so a burst of
   *  progress updates costs two fsync'd writes, not one each, and the last of them waits for no more. */
  flush(): Promise<void> {
    if (this.queued) return this.queued;
    const next = this.chain.then(() => {
      this.queued = undefined;
      return this.writeNow();
    });
    this.queued = next;
    this.chain = next.catch((err: unknown) => { this.onError(err); });
    return next;
  }

  /** Rewrites the file every heartbeatMs; `refresh` may update the document first (queue counts). */
  startHeartbeat(refresh?: (doc: StatusDocument) => Promise<void>): void {
    if (this.heartbeat !== undefined) return;
    const beat = async () => {
      await refresh?.(this.doc).catch((err: unknown) => { this.onError(err); });
      await this.flush();
    };
    this.heartbeat = this.timers.setInterval(() => { beat().catch(() => undefined); }, this.heartbeatMs);
  }

  /** Stops the heartbeat and waits for writes in flight. */
  async close(): Promise<void> {
    if (this.heartbeat !== undefined) this.timers.clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    await this.chain;
  }

  private async writeNow(): Promise<void> {
    this.doc.sequence += 1;
    this.doc.writtenAt = new Date(this.clock.now()).toISOString();
    await this.write(this.path, JSON.stringify(this.doc, null, 2) + '\n');
  }
}
