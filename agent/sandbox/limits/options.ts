// Exchange's per-mailbox limits the sandbox can enforce, as Microsoft documents them ("EWS throttling in
// Exchange"): MessageRateLimit (messages a minute; more wait in the Outbox), EWSMaxConcurrency (requests at
// once), the message size limit (10 MB by default on premises), a delay before a sent message's copy is in
// Sent Items, and a mailbox on an older server than the one answering (ErrorInvalidSchemaVersionForMailboxVersion).
// Set at start (`mail-agent sandbox --message-rate …`) or at run time (POST /sandbox/limits).
import { AgentError, ErrorCodes } from '../../errors.ts';
import { EXCHANGE_VERSIONS, isExchangeVersion, type ExchangeVersion } from '../versions.ts';

export interface ExchangeLimits {
  /** Messages one mailbox may submit a minute; beyond it they wait in the Outbox and go out at this rate. */
  messageRatePerMinute?: number;
  /** How long a sent message stays in the Outbox before its copy is in Sent Items. */
  sentItemsLagMs?: number;
  /** EWS requests one account may have in progress at once (ErrorExceededConnectionCount beyond). */
  maxConnections?: number;
  /** Larger messages answer ErrorMessageSizeExceeded (Exchange's default: 10 MB). */
  maxMessageSizeMB: number;
  /** The mailbox's own version: requests for a newer schema answer ErrorInvalidSchemaVersionForMailboxVersion. */
  mailboxVersion?: ExchangeVersion;
  /** How far ahead of the rate a mailbox may submit before it is over budget (default 10 s). */
  outboxAheadMs?: number;
  /** How long one request may work through its items before the rest are not processed (Exchange: one minute). */
  batchLimitMs?: number;
}

export const DEFAULT_MAX_MESSAGE_SIZE_MB = 10;

function usage(why: string): AgentError {
  return new AgentError(ErrorCodes.Usage, why);
}

/** `600/min`, `10/s` or a bare number (a minute's worth). */
export function parseMessageRate(spec: string): number {
  const m = /^(\d+(?:\.\d+)?)(?:\/(min|s))?$/.exec(spec.trim());
  const value = m ? Number(m[1]) * (m[2] === 's' ? 60 : 1) : NaN;
  if (!Number.isFinite(value) || value <= 0 || value > 6_000_000) throw usage(`--message-rate: '${spec}' is not N/min (e.g. 600/min) or N/s`);
  return value;
}

function whole(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw usage(`${name} must be a whole number from ${min} to ${max}`);
  return value;
}

function positive(value: unknown, name: string, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > max) throw usage(`${name} must be a number above 0, up to ${max}`);
  return value;
}

function version(value: unknown, name: string): ExchangeVersion {
  if (typeof value !== 'string' || !isExchangeVersion(value)) throw usage(`${name} must be one of ${EXCHANGE_VERSIONS.join(', ')}`);
  return value;
}

const KEYS = ['messageRate', 'sentItemsLagMs', 'maxConnections', 'maxMessageSizeMB', 'mailboxVersion', 'outboxAheadMs', 'batchLimitMs'] as const;

/**
 * Applies a change from JSON (POST /sandbox/limits) to `current`: each key given replaces that limit, `null`
 * lifts it (maxMessageSizeMB back to 10). Unknown keys are refused: a typo must not pass as "no limit".
 */
export function changeLimits(current: ExchangeLimits, change: unknown): ExchangeLimits {
  if (typeof change !== 'object' || change === null || Array.isArray(change)) throw usage(`limits: expected an object with ${KEYS.join(', ')}`);
  const next: ExchangeLimits = { ...current };
  for (const [key, value] of Object.entries(change as Record<string, unknown>)) {
    const lift = value === null;
    switch (key) {
      case 'messageRate':
        if (lift) delete next.messageRatePerMinute;
        else next.messageRatePerMinute = typeof value === 'string' ? parseMessageRate(value) : positive(value, 'messageRate (a minute)', 6_000_000);
        break;
      case 'sentItemsLagMs':
        if (lift) delete next.sentItemsLagMs;
        else next.sentItemsLagMs = whole(value, 'sentItemsLagMs', 0, 3_600_000);
        break;
      case 'maxConnections':
        if (lift) delete next.maxConnections;
        else next.maxConnections = whole(value, 'maxConnections', 1, 10_000);
        break;
      case 'maxMessageSizeMB':
        next.maxMessageSizeMB = lift ? DEFAULT_MAX_MESSAGE_SIZE_MB : positive(value, 'maxMessageSizeMB', 1024);
        break;
      case 'mailboxVersion':
        if (lift) delete next.mailboxVersion;
        else next.mailboxVersion = version(value, 'mailboxVersion');
        break;
      // Exchange's own timings, shortened by tests that cannot wait a minute.
      case 'outboxAheadMs':
        if (lift) delete next.outboxAheadMs;
        else next.outboxAheadMs = whole(value, 'outboxAheadMs', 1, 3_600_000);
        break;
      case 'batchLimitMs':
        if (lift) delete next.batchLimitMs;
        else next.batchLimitMs = whole(value, 'batchLimitMs', 1, 3_600_000);
        break;
      default:
        throw usage(`limits: unknown key '${key}' (known: ${KEYS.join(', ')})`);
    }
  }
  return next;
}

/** The limits as JSON (GET/POST /sandbox/limits answers, -o json). */
export function describeLimits(limits: ExchangeLimits): Record<string, unknown> {
  return {
    messageRate: limits.messageRatePerMinute === undefined ? null : `${limits.messageRatePerMinute}/min`,
    sentItemsLagMs: limits.sentItemsLagMs ?? null,
    maxConnections: limits.maxConnections ?? null,
    maxMessageSizeMB: limits.maxMessageSizeMB,
    mailboxVersion: limits.mailboxVersion ?? null,
    outboxAheadMs: limits.outboxAheadMs ?? null,
    batchLimitMs: limits.batchLimitMs ?? null,
  };
}
