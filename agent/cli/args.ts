// Argument parsing on node:util parseArgs (strict: an unknown flag is a usage error, exit 64).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AgentError, ErrorCodes } from '../errors.ts';

export type Options = NonNullable<ParseArgsConfig['options']>;

export function parseCommandArgs<T extends Options>(argv: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    throw new AgentError(ErrorCodes.Usage, err instanceof Error ? err.message : 'invalid arguments');
  }
}

/** -o/--output: text (the default) or json. */
export const outputOption = { output: { type: 'string', short: 'o', default: 'text' } } as const;

/** The --output value, or a usage error naming the two it takes. */
export function outputFormat(value: string | undefined): 'text' | 'json' {
  if (value === undefined || value === 'text' || value === 'json') return value ?? 'text';
  throw new AgentError(ErrorCodes.Usage, '--output must be text or json');
}
