// Turning an error into a CLI outcome: usage → 64, any other AgentError → 1 with its message.
import { isAgentError } from '../../errors.ts';
import { parseCommandArgs, type Options } from '../args.ts';
import { ExitCodes } from '../exit-codes.ts';
import { writeLine, writeTextLine, type CliIo } from '../io.ts';

export function reportFailure(command: string, err: unknown, io: CliIo, json: boolean): number {
  const code = isAgentError(err) ? err.code : 'Internal';
  const message = err instanceof Error ? err.message : 'unexpected failure';
  if (json) writeLine(io.stdout, JSON.stringify({ ok: false, code, error: message }));
  writeTextLine(io.stderr, `mail-agent ${command}: ${message}`);
  return code === 'Usage' ? ExitCodes.Usage : ExitCodes.Failed;
}

/** A command whose `-o json` shapes its failure too: its flags parsed (a usage error is reported as text, the
 *  flag not known yet), then `body`; whatever it throws is reported as `reportFailure` says. */
export async function runReportingFailure<T extends Options>(command: string, argv: string[], io: CliIo, options: T,
  body: (values: ReturnType<typeof parseCommandArgs<T>>['values'], json: boolean) => Promise<number>): Promise<number> {
  let json = false;
  try {
    const { values } = parseCommandArgs(argv, options);
    json = (values as { output?: unknown }).output === 'json';
    return await body(values, json);
  } catch (err) {
    return reportFailure(command, err, io, json);
  }
}
