// The no-network transport (nodemailer's stream/json transport idea): each message's MIME is written to a
// directory as <message-id>.eml (atomically, so a crash never leaves half a message "sent"), or kept in
// memory. A second send of the same Message-ID is kept as <id>.2.eml, … so tests can see duplicates.
// A test double: the tests of the worker and the reconciler, and bench/queue.ts (the queue's own cost).
// The agent has no --dry-run; nothing under agent/ reaches this.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWrite } from '../../../agent/state/atomic-write.ts';
import type { OutgoingMessage, SendResult, Transport, TransportInfo } from '../../../agent/transports/transport.ts';
import { FailurePlan, plannedError, type PlannedFailure } from './failure-plan.ts';

export interface DryRunOptions {
  /** Where to write messages; absent = memory only. */
  dir?: string;
  /** false: the transport cannot tell whether a message was sent (wasSent absent), like EWS without saveCopy. */
  supportsWasSent?: boolean;
  /** Awaited at the start of each send: lets a test hold sends in flight (concurrency, stop()). */
  beforeSend?: (message: OutgoingMessage) => Promise<void>;
}

export class DryRunTransport implements Transport {
  readonly sent: OutgoingMessage[] = [];
  /** How often wasSent was asked (tests check that an unknown outcome is looked up before re-sending). */
  wasSentCalls = 0;
  readonly failures = new FailurePlan();
  readonly wasSent?: (messageId: string) => Promise<boolean | undefined>;
  private readonly dir: string | undefined;
  private readonly beforeSend: DryRunOptions['beforeSend'];
  private readonly counts = new Map<string, number>();
  private closed = false;

  constructor(options: DryRunOptions = {}) {
    this.dir = options.dir;
    this.beforeSend = options.beforeSend;
    if (options.supportsWasSent !== false) {
      this.wasSent = (id) => {
        this.wasSentCalls += 1;
        return this.holds(id);
      };
    }
  }

  failNext(failure: PlannedFailure): this {
    this.failures.add(failure);
    return this;
  }

  verify(): Promise<TransportInfo> {
    return Promise.resolve({ service: 'dryrun', endpoint: this.dir ? `file://${this.dir}` : 'memory:' });
  }

  async send(message: OutgoingMessage): Promise<SendResult> {
    if (this.closed) throw new Error('dry-run transport is closed');
    await this.beforeSend?.(message);
    const failure = this.failures.next();
    if (failure && !failure.afterDelivery) throw plannedError(failure);
    await this.store(message);
    if (failure) throw plannedError(failure);
    return { messageId: message.messageId };
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  private async store(message: OutgoingMessage): Promise<void> {
    this.sent.push(message);
    if (!this.dir) return;
    const base = fileBase(message.messageId);
    const n = (this.counts.get(base) ?? (await this.countOnDisk(base))) + 1;
    this.counts.set(base, n);
    await atomicWrite(join(this.dir, n === 1 ? `${base}.eml` : `${base}.${n}.eml`), message.mime);
  }

  private async holds(messageId: string): Promise<boolean> {
    if (this.sent.some((m) => m.messageId === messageId)) return true;
    if (!this.dir) return false;
    return (await this.countOnDisk(fileBase(messageId))) > 0;
  }

  private async countOnDisk(base: string): Promise<number> {
    const names = await readdir(this.dir ?? '.');
    const copy = new RegExp(`^${base.replace(/[.]/g, '\\.')}(\\.\\d+)?\\.eml$`);
    return names.filter((n) => copy.test(n)).length;
  }
}

/** A Message-ID as a safe file name: "<x@y>" → "x@y". */
export function fileBase(messageId: string): string {
  return messageId.replace(/^<|>$/g, '').replace(/[^A-Za-z0-9@._-]/g, '_');
}
