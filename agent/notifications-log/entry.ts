// One line of the outgoing-notifications log: the outcome of one delivery attempt.
import type { NotificationSource } from '../message/types.ts';

export type AttemptResult = 'delivered' | 'retry' | 'failed';

export interface NotificationLogEntry {
  time: string;
  id: string;
  messageId: string;
  to: string[];
  subject: string;
  /** Which transport carried the attempt (e.g. "ews https://…", "dryrun"); "none" is never logged. */
  transport: string;
  result: AttemptResult;
  attempt: number;
  durationMs: number;
  /** Our error code (AgentError.code) when the attempt did not deliver. */
  code?: string;
  /** The server's own code, e.g. ErrorSendAsDenied, ErrorServerBusy. */
  serverCode?: string;
  reason?: string;
  /** Delivered without sending again: the server already held it (after an attempt of unknown outcome). */
  confirmedBy?: 'wasSent';
  nextAttemptAt?: string;
  /** Where the notification came from when not `mail-agent send`: { via: 'smtp', client, user }. */
  source?: NotificationSource;
}
