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
const KEYS: Record<keyof typeof limitsOptions, { key: string; numeric: boolean }> = {
  'message-rate': { key: 'messageRate', numeric: false },
  'sent-items-lag': { key: 'sentItemsLagMs', numeric: true },
  'max-connections': { key: 'maxConnections', numeric: true },
  'max-message-size': { key: 'maxMessageSizeMB', numeric: true },
  'mailbox-version': { key: 'mailboxVersion', numeric: false },
};

/** The flags as the sandbox's limits (each checked by changeLimits; an error names its flag). */
export async function limitsFromFlags(values: Values): Promise<Partial<ExchangeLimits>> {
  const { changeLimits, DEFAULT_MAX_MESSAGE_SIZE_MB } = await import('../../sandbox/limits/options.ts');
  let limits: ExchangeLimits = { maxMessageSizeMB: DEFAULT_MAX_MESSAGE_SIZE_MB };
  for (const [flag, { key, numeric }] of Object.entries(KEYS) as [keyof typeof limitsOptions, { key: string; numeric: boolean }][]) {
    const value = values[flag];
    if (value === undefined) continue;
    try {
      if (numeric && !/^\d+(\.\d+)?$/.test(value)) throw new Error('must be a number');
      limits = changeLimits(limits, { [key]: numeric ? Number(value) : value });
    } catch (err) {
      const why = (err instanceof Error ? err.message : String(err)).replace(/^--message-rate: /, '');
      throw new AgentError(ErrorCodes.Usage, `--${flag}: ${why}`);
    }
  }
  return limits;
}
