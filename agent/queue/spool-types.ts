// What the spool stores about a notification besides its MIME.
import type { MessageFields, NotificationSource } from '../message/types.ts';

export interface SpoolMeta extends MessageFields {
  id: string;
  enqueuedAt: string;
  /** Where it came from, when not `mail-agent send`: the SMTP submission port and its client. */
  source?: NotificationSource;
}

export interface AttemptError {
  code: string;
  message: string;
  serverCode?: string;
}

export interface AttemptRecord {
  attempts: number;
  firstAttemptAt: string;
  /** Set before a send starts and cleared after; still set after a crash = outcome unknown. */
  inProgressSince?: string;
  /** The last attempt's outcome is unknown (crash or timeout mid-send): ask wasSent before re-sending. */
  outcomeUnknown?: boolean;
  nextAttemptAt?: number;
  /** When the last attempt that may have sent it ended (its outcome recorded; after a crash, when the agent
   *  recovered): wasSent's window counts from it. */
  lastAttemptAt?: string;
  lastError?: AttemptError;
}

export interface DeliveredRecord {
  id: string;
  messageId: string;
  deliveredAt: string;
  attempts: number;
  itemId?: string;
  /** 'wasSent': found on the server after an attempt of unknown outcome, not sent again. */
  confirmedBy?: 'send' | 'wasSent';
}

export interface FailedRecord {
  id: string;
  messageId: string;
  failedAt: string;
  attempts: number;
  error: AttemptError;
}

export interface SpoolCounts {
  pending: number;
  delivered: number;
  failed: number;
  /** Age of the oldest pending notification; absent when none is pending. */
  oldestPendingAgeMs?: number;
}
