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

type Key = 'messageRate' | 'sentItemsLagMs' | 'maxConnections' | 'maxMessageSizeMB' | 'mailboxVersion' | 'outboxAheadMs' | 'batchLimitMs';

/** Each JSON key: the limit it sets, how its value is checked, and what null (lifted) leaves. */
const KEYS: Record<Key, { field: keyof ExchangeLimits; check: (value: unknown, name: string) => ExchangeLimits[keyof ExchangeLimits]; lifted?: number }> = {
  messageRate: { field: 'messageRatePerMinute', check: (v) => (typeof v === 'string' ? parseMessageRate(v) : positive(v, 'messageRate (a minute)', 6_000_000)) },
  sentItemsLagMs: { field: 'sentItemsLagMs', check: (v, n) => whole(v, n, 0, 3_600_000) },
  maxConnections: { field: 'maxConnections', check: (v, n) => whole(v, n, 1, 10_000) },
  maxMessageSizeMB: { field: 'maxMessageSizeMB', check: (v, n) => positive(v, n, 1024), lifted: DEFAULT_MAX_MESSAGE_SIZE_MB },
  mailboxVersion: { field: 'mailboxVersion', check: version },
  // Exchange's own timings, shortened by tests that cannot wait a minute.
  outboxAheadMs: { field: 'outboxAheadMs', check: (v, n) => whole(v, n, 1, 3_600_000) },
  batchLimitMs: { field: 'batchLimitMs', check: (v, n) => whole(v, n, 1, 3_600_000) },
};

/**
 * Applies a change from JSON (POST /sandbox/limits) to `current`: each key given replaces that limit, `null`
 * lifts it (maxMessageSizeMB back to 10). Unknown keys are refused: a typo must not pass as "no limit".
 */
export function changeLimits(current: ExchangeLimits, change: unknown): ExchangeLimits {
  if (typeof change !== 'object' || change === null || Array.isArray(change)) throw usage(`limits: expected an object with ${Object.keys(KEYS).join(', ')}`);
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(change as Record<string, unknown>)) {
    const spec = (KEYS as Record<string, (typeof KEYS)[Key] | undefined>)[key];
    if (!spec) throw usage(`limits: unknown key '${key}' (known: ${Object.keys(KEYS).join(', ')})`);
    if (value !== null) next[spec.field] = spec.check(value, key);
    else if (spec.lifted !== undefined) next[spec.field] = spec.lifted;
    else delete next[spec.field];
  }
  return next as unknown as ExchangeLimits;
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
