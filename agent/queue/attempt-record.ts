// Recording a batch's outcomes, in the order crash recovery relies on: the delivered records (one file for
// the batch: the commit point) and the removal of their bodies, the retry-later and failed records, then
// the log lines in one append, and only then the in-flight journal goes. A crash anywhere before that
// leaves the journal, which makes every id still pending "outcome unknown" (wasSent before re-sending).
import type { AgentError } from '../errors.ts';
import type { NotificationLogEntry } from '../notifications-log/entry.ts';
import type { Transport } from '../transports/transport.ts';
import type { AttemptContext, AttemptResult } from './attempt.ts';
import { retryDelayMs } from '../throttle/backoff.ts';
import { classifyFailure } from './outcome.ts';
import { isThrottling } from './send-throttle.ts';
import { endInflight } from './spool-inflight.ts';
import type { AttemptRecord, DeliveredRecord } from './spool-types.ts';
import type { SpoolEntry } from './spool.ts';
import type { Tracked } from './tracked.ts';

export interface Job {
  entry: SpoolEntry;
  tracked: Tracked;
  started: number;
  /** The attempt number this outcome belongs to. */
  attempts: number;
  /** attempts/<id>.json may exist (an earlier attempt recorded one). */
  hadRecord: boolean;
  /** The outcome of an earlier attempt is still unknown (it stays so if this one fails). */
  stillUnknown: boolean;
  /** Handed to the transport in this attempt (not only checked with wasSent, or held back by a pause). */
  sent?: boolean;
  outcome?: { delivered: true; itemId?: string; confirmedBy?: 'wasSent' } | { delivered: false; thrown: unknown };
}

type LineExtra = { code?: string; message?: string; serverCode?: string; confirmedBy?: 'wasSent'; nextAttemptAt?: string };

export async function recordOutcomes(c: AttemptContext, jobs: readonly Job[], transport: Transport, journal: string | undefined): Promise<[Job, AttemptResult][]> {
  const now = c.clock.now();
  const at = new Date(now).toISOString();
  const describe = c.describeTransport?.(transport) ?? 'transport';
  const results: [Job, AttemptResult][] = [];
  const lines: NotificationLogEntry[] = [];
  const line = (job: Job, result: NotificationLogEntry['result'], extra: LineExtra): void => {
    const { message, ...rest } = extra;
    const { meta } = job.entry;
    lines.push({
      time: at, id: meta.id, messageId: meta.messageId, to: meta.to, subject: meta.subject, transport: describe,
      result, attempt: job.attempts, durationMs: now - job.started, ...rest, ...(message !== undefined ? { reason: message } : {}),
      ...(meta.source ? { source: meta.source } : {}),
    });
  };

  const delivered: DeliveredRecord[] = [];
  const withRecord = new Set<string>();
  for (const job of jobs) {
    if (job.outcome?.delivered !== true) continue;
    const { meta } = job.entry;
    const { itemId, confirmedBy } = job.outcome;
    delivered.push({ id: meta.id, messageId: meta.messageId, deliveredAt: at, attempts: job.attempts, ...(itemId ? { itemId } : {}), confirmedBy: confirmedBy ?? 'send' });
    if (job.hadRecord) withRecord.add(meta.id);
    line(job, 'delivered', confirmedBy ? { confirmedBy } : {});
    results.push([job, 'delivered']);
  }
  await c.spool.markDeliveredMany(delivered, withRecord);

  for (const job of jobs) {
    if (job.outcome?.delivered !== false) continue;
    const result = await recordFailure(c, job, job.outcome.thrown, now, line, transport);
    results.push([job, result]);
  }
  try {
    if (c.log?.appendMany) await c.log.appendMany(lines);
    else for (const l of lines) await c.log?.append(l);
  } catch (err) {
    c.onError?.(err);
  }
  if (journal !== undefined) await endInflight(c.spool.paths, journal);
  for (const l of lines) c.onOutcome?.(l);
  return results;
}

async function recordFailure(c: AttemptContext, job: Job, thrown: unknown, now: number,
  line: (job: Job, result: NotificationLogEntry['result'], extra: LineExtra) => void, transport: Transport): Promise<AttemptResult> {
  const { meta } = job.entry;
  const { tracked, attempts } = job;
  const { error, transient, maybeSent } = classifyFailure(thrown);
  const lastError = errorSummary(error);
  const tooOld = now - Date.parse(meta.enqueuedAt) > c.maxAgeMs;
  if (transient && !tooOld) {
    // Throttling is the transport's: the message goes when the pause ends, not after a backoff of its own.
    const notBefore = isThrottling(error)
      ? Math.max(now + (error.backoffMs ?? 0), c.throttle?.(transport).pause.until ?? 0)
      : now + retryDelayMs(Math.max(attempts, 1), c.backoff, c.random, error.backoffMs);
    const unknown = maybeSent || job.stillUnknown;
    // wasSent's window counts from when this attempt ended, not began: a send may go out late in it (a
    // paced slot, a large upload before Graph's send), and the server may still be on its way then.
    const lastAttemptAt = job.sent && maybeSent ? now : tracked.lastAttemptAt;
    const record: AttemptRecord = {
      attempts, firstAttemptAt: tracked.firstAttemptAt ?? new Date(job.started).toISOString(),
      nextAttemptAt: notBefore, lastError, ...(unknown ? { outcomeUnknown: true } : {}),
      ...(unknown && lastAttemptAt !== undefined ? { lastAttemptAt: new Date(lastAttemptAt).toISOString() } : {}),
    };
    await c.spool.writeAttempt(meta.id, record);
    Object.assign(tracked, { notBefore, unknown, lastAttemptAt: unknown ? lastAttemptAt : undefined });
    line(job, 'retry', { ...lastError, nextAttemptAt: new Date(notBefore).toISOString() });
    return 'retry';
  }
  const finalError = tooOld && transient ? { ...lastError, message: `gave up after ${attempts} attempts: ${lastError.message}` } : lastError;
  await c.spool.markFailed({ id: meta.id, messageId: meta.messageId, failedAt: new Date(now).toISOString(), attempts, error: finalError });
  line(job, 'failed', finalError);
  return 'failed';
}

function errorSummary(error: AgentError): { code: string; message: string; serverCode?: string } {
  return { code: error.code, message: error.message, ...(error.serverCode ? { serverCode: error.serverCode } : {}) };
}
