// Turning an error into a CLI outcome: usage → 64, any other AgentError → 1 with its message.
import { isAgentError } from '../../errors.ts';
import { ExitCodes } from '../exit-codes.ts';
import { writeLine, writeTextLine, type CliIo } from '../io.ts';

export function reportFailure(command: string, err: unknown, io: CliIo, json: boolean): number {
  const code = isAgentError(err) ? err.code : 'Internal';
  const message = err instanceof Error ? err.message : 'unexpected failure';
  if (json) writeLine(io.stdout, JSON.stringify({ ok: false, code, error: message }));
  writeTextLine(io.stderr, `mail-agent ${command}: ${message}`);
  return code === 'Usage' ? ExitCodes.Usage : ExitCodes.Failed;
}
