// How reconcile events change the status document. The reconciler calls these; so do tests that need a
// real writer in a given state. Each takes the time `at` (ISO) so the clock stays injectable.
import { describeInsecureTransport } from '../config/transport-security.ts';
import type { TransportInfo } from '../types/transport-info.ts';
import { removeCondition, setCondition, type ConditionUpdate } from './conditions.ts';
import { pushHistory } from './history.ts';
import type { Outcome, StatusDocument, StatusIssue } from './model.ts';

function set(doc: StatusDocument, update: ConditionUpdate, at: string): void {
  doc.conditions = setCondition(doc.conditions, update, at);
}

function attempt(doc: StatusDocument, revision: string, outcome: Outcome, reason: string, at: string, durationMs: number): void {
  doc.lastAttempted = { revision, at, durationMs, outcome, reason };
  doc.history = pushHistory(doc.history, { revision, outcome, reason, at, durationMs });
}

/** A new desired revision was read: Ready goes False until it is live; the old transport stays live. */
export function observed(doc: StatusDocument, revision: string, at: string): void {
  doc.source.revision = revision;
  doc.observedRevision = revision;
  doc.conditions = removeCondition(doc.conditions, 'Stalled');
  set(doc, { type: 'Reconciling', status: 'True', reason: 'Progressing', message: 'applying the settings file', observedRevision: revision }, at);
  const live = doc.lastApplied ? `; ${doc.lastApplied.revision} stays live meanwhile` : '';
  set(doc, { type: 'Ready', status: 'False', reason: 'Progressing', message: `reconciling${live}`, observedRevision: revision }, at);
}

/** A step of the attempt passed (ConfigValid, TransportReady, TestMessageDelivered). */
export function stepPassed(doc: StatusDocument, type: 'ConfigValid' | 'TransportReady' | 'TestMessageDelivered', reason: string, message: string, revision: string, at: string): void {
  set(doc, { type, status: 'True', reason, message, observedRevision: revision }, at);
}

export interface RejectedEvent {
  revision: string;
  reason: string;
  errors: StatusIssue[];
  at: string;
  durationMs: number;
}

/** The file is invalid: nothing changes until a new file arrives. */
export function rejected(doc: StatusDocument, event: RejectedEvent): void {
  const { revision, reason, at } = event;
  attempt(doc, revision, 'Rejected', reason, at, event.durationMs);
  doc.lastRejected = { revision, at, reason, errors: event.errors };
  const message = `${event.errors.length} error(s) in the settings file; the previous settings stay live`;
  set(doc, { type: 'ConfigValid', status: 'False', reason, message, observedRevision: revision }, at);
  stall(doc, revision, reason, message, at);
  doc.failures.consecutive += 1;
  doc.failures.total += 1;
  doc.failures.nextRetryAt = null;
}

export interface FailedEvent {
  revision: string;
  /** Which detail condition failed. */
  step: 'ConfigValid' | 'TransportReady' | 'TestMessageDelivered';
  reason: string;
  message: string;
  /** Set for a transient failure: when it is retried. Absent: permanent (Stalled). */
  nextRetryAt?: string;
  at: string;
  durationMs: number;
}

export function failed(doc: StatusDocument, event: FailedEvent): void {
  const { revision, reason, message, at } = event;
  attempt(doc, revision, 'Failed', reason, at, event.durationMs);
  set(doc, { type: event.step, status: 'False', reason, message, observedRevision: revision }, at);
  doc.failures.consecutive += 1;
  doc.failures.total += 1;
  doc.failures.nextRetryAt = event.nextRetryAt ?? null;
  if (event.nextRetryAt === undefined) {
    stall(doc, revision, reason, message, at);
    return;
  }
  set(doc, { type: 'Reconciling', status: 'True', reason: 'RetryScheduled', message: `${reason}: retrying at ${event.nextRetryAt}`, observedRevision: revision }, at);
  set(doc, { type: 'Ready', status: 'False', reason, message, observedRevision: revision }, at);
}

function stall(doc: StatusDocument, revision: string, reason: string, message: string, at: string): void {
  doc.conditions = removeCondition(doc.conditions, 'Reconciling');
  set(doc, { type: 'Stalled', status: 'True', reason, message: `${message}; waiting for a new settings file`, observedRevision: revision }, at);
  set(doc, { type: 'Ready', status: 'False', reason, message, observedRevision: revision }, at);
}

export interface AppliedEvent {
  revision: string;
  settingsDigest: string;
  transport: TransportInfo;
  /** Same settings digest as the live one (comment-only change): nothing was reconnected. */
  unchanged: boolean;
  testMessage?: { to: string; sentAt: string; messageId: string };
  at: string;
  durationMs: number;
}

export function applied(doc: StatusDocument, event: AppliedEvent): void {
  const { revision, at } = event;
  const reason = event.unchanged ? 'SettingsUnchanged' : 'Applied';
  attempt(doc, revision, 'Applied', reason, at, event.durationMs);
  doc.lastApplied = { revision, settingsDigest: event.settingsDigest, at, transport: event.transport };
  if (event.testMessage) doc.testMessage = { settingsDigest: event.settingsDigest, ...event.testMessage };
  doc.conditions = removeCondition(removeCondition(doc.conditions, 'Reconciling'), 'Stalled');
  set(doc, { type: 'ConfigValid', status: 'True', reason: 'Valid', message: 'the settings file is valid', observedRevision: revision }, at);
  set(doc, { type: 'TransportReady', status: 'True', reason: 'Verified', message: `${event.transport.service} ${event.transport.endpoint} verified`, observedRevision: revision }, at);
  set(doc, { type: 'Ready', status: 'True', reason, message: event.unchanged ? 'comment-only change: the live settings already match' : 'the transport for this revision is live', observedRevision: revision }, at);
  doc.failures.consecutive = 0;
  doc.failures.nextRetryAt = null;
}

/** The settings file is gone: the live transport stays, but nothing can progress without a file.
 *  `why` says more than the reason (for ConfigUnreadable: the path in the way). */
export function missing(doc: StatusDocument, at: string, reason: 'ConfigMissing' | 'ConfigUnreadable' = 'ConfigMissing', why?: string): void {
  delete doc.source.revision;
  const revision = doc.observedRevision;
  const message = `${why ?? (reason === 'ConfigMissing' ? 'the settings file does not exist' : 'the settings file cannot be read')}; the live transport stays`;
  doc.conditions = removeCondition(doc.conditions, 'Reconciling');
  set(doc, { type: 'Stalled', status: 'True', reason, message, observedRevision: revision }, at);
  set(doc, { type: 'Ready', status: 'False', reason, message, observedRevision: revision }, at);
}

/** A loaded file's secret warning: InsecureSecret (a literal secret that other users can read) is a
 *  condition while it holds, and gone once the file is private or the secret moved out of it. */
export function secretExposure(doc: StatusDocument, warnings: readonly { code: string; message: string }[], revision: string, at: string): void {
  const insecure = warnings.find((w) => w.code === 'InsecureSecret');
  if (!insecure) { doc.conditions = removeCondition(doc.conditions, 'InsecureSecret'); return; }
  set(doc, { type: 'InsecureSecret', status: 'True', reason: 'InsecureSecret', message: insecure.message, observedRevision: revision }, at);
}

/** A loaded file's transport-security warnings: InsecureTransport (certificate checks off, plain http allowed)
 *  is a condition while the settings say so, naming each setting; gone once they no longer do. */
export function transportExposure(doc: StatusDocument, warnings: readonly { code: string; keyword: string; path: string; message: string }[], revision: string, at: string): void {
  const lines = describeInsecureTransport(warnings);
  if (lines.length === 0) { doc.conditions = removeCondition(doc.conditions, 'InsecureTransport'); return; }
  set(doc, { type: 'InsecureTransport', status: 'True', reason: 'InsecureTransport', message: lines.join('; '), observedRevision: revision }, at);
}
