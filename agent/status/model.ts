// The status document (docs/agent.md "The status file"), as TypeScript; schemas/status.schema.json is its
// published form, and test/architecture/schema-types.test.ts fails when the two drift apart.
import type { SubmissionStatus } from '../types/submission-status.ts';
import type { TransportInfo } from '../types/transport-info.ts';

export const ConditionTypes = ['Ready', 'Reconciling', 'Stalled', 'ConfigValid', 'TransportReady', 'TestMessageDelivered', 'InsecureSecret', 'InsecureTransport'] as const;
export type ConditionType = (typeof ConditionTypes)[number];
export type ConditionStatus = 'True' | 'False' | 'Unknown';
export type Outcome = 'Applied' | 'Rejected' | 'Failed';

export interface Condition {
  type: ConditionType;
  status: ConditionStatus;
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedRevision: string | null;
}

export interface StatusIssue {
  path: string;
  keyword: string;
  line: number;
  column: number;
  message: string;
}

export interface Attempt {
  revision: string;
  at: string;
  durationMs: number;
  outcome: Outcome;
  reason: string;
}

export interface HistoryEntry {
  revision: string;
  outcome: Outcome;
  reason: string;
  at: string;
  durationMs?: number;
}

export interface StatusDocument {
  apiVersion: 'mail-agent/v1';
  kind: 'MailSettingsStatus';
  agent: { version: string; pid: number; host: string; startedAt: string; heartbeatSeconds?: number; stoppedAt?: string };
  writtenAt: string;
  sequence: number;
  source: { path: string; revision?: string };
  observedRevision: string | null;
  lastAttempted?: Attempt;
  lastApplied?: { revision: string; settingsDigest: string; at: string; transport: TransportInfo };
  lastRejected?: { revision: string; at: string; reason: string; errors: StatusIssue[] };
  conditions: Condition[];
  testMessage?: { settingsDigest: string; to: string; sentAt: string; messageId: string };
  failures: { consecutive: number; total: number; nextRetryAt: string | null };
  queue: { pending: number; delivered: number; failed: number; oldestPendingAgeSeconds?: number | null };
  history: HistoryEntry[];
  /** The SMTP submission port, when the settings have one. */
  submission?: SubmissionStatus;
}

export function findCondition(doc: Pick<StatusDocument, 'conditions'>, type: ConditionType): Condition | undefined {
  return doc.conditions.find((c) => c.type === type);
}
