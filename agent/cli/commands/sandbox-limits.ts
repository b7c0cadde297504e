// The `mail-agent sandbox` flags for Exchange's per-mailbox limits (docs/sandbox.md, "Throttling and
// limits"), kept apart from the command's other flags.
import { AgentError, ErrorCodes } from '../../errors.ts';
import type { ExchangeLimits } from '../../sandbox/limits/options.ts';

export const limitsUsage = `  --message-rate N/min   MessageRateLimit: a mailbox's submissions a minute; more wait in the Outbox,
                         and an overdrawn budget answers ErrorServerBusy / ErrorBatchProcessingStopped
  --sent-items-lag MS    a sent message stays in the Outbox MS before its copy is in Sent Items
  --max-connections N    EWS requests an account may have at once (ErrorExceededConnectionCount beyond)
  --max-message-size MB  larger messages answer ErrorMessageSizeExceeded (default 10)
  --mailbox-version V    the mailbox's own version: newer requests answer
                         ErrorInvalidSchemaVersionForMailboxVersion`;

export const limitsOptions = {
  'message-rate': { type: 'string' },
  'sent-items-lag': { type: 'string' },
  'max-connections': { type: 'string' },
  'max-message-size': { type: 'string' },
  'mailbox-version': { type: 'string' },
} as const;

type Values = Partial<Record<keyof typeof limitsOptions, string>>;

/** Each flag as the JSON key of /sandbox/limits, and its value as that key takes it. */
const KEYS: Record<keyof typeof limitsOptions, { key: string; unit?: string }> = {
  'message-rate': { key: 'messageRate' },
  'sent-items-lag': { key: 'sentItemsLagMs', unit: 'milliseconds, e.g. 2000' },
  'max-connections': { key: 'maxConnections', unit: 'requests at once, e.g. 4' },
  'max-message-size': { key: 'maxMessageSizeMB', unit: 'megabytes, e.g. 10' },
  'mailbox-version': { key: 'mailboxVersion' },
};

/** The flags as the sandbox's limits (each checked by changeLimits; an error names its flag). */
export async function limitsFromFlags(values: Values): Promise<Partial<ExchangeLimits>> {
  const { changeLimits, DEFAULT_MAX_MESSAGE_SIZE_MB } = await import('../../sandbox/limits/options.ts');
  let limits: ExchangeLimits = { maxMessageSizeMB: DEFAULT_MAX_MESSAGE_SIZE_MB };
  for (const [flag, { key, unit }] of Object.entries(KEYS) as [keyof typeof limitsOptions, { key: string; unit?: string }][]) {
    const value = values[flag];
    if (value === undefined) continue;
    try {
      if (unit && !/^\d+(\.\d+)?$/.test(value)) throw new Error(`must be a number (${unit})`);
      limits = changeLimits(limits, { [key]: unit ? Number(value) : value });
    } catch (err) {
      // changeLimits names the JSON key; on the command line the flag is named instead.
      const why = (err instanceof Error ? err.message : String(err)).replace(/^--message-rate: /, '').replace(new RegExp(`^${key} `), '');
      throw new AgentError(ErrorCodes.Usage, `--${flag}: ${why}`);
    }
  }
  return limits;
}
