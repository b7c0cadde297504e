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
