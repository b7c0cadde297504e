// `mail-agent log`: the outgoing-notifications log, newest first.
import { readLogNewestFirst } from '../../notifications-log/log-reader.ts';
import type { NotificationLogEntry } from '../../notifications-log/entry.ts';
import { AgentError, ErrorCodes } from '../../errors.ts';
import { resolveStateDir } from '../../state/default-dir.ts';
import { statePaths } from '../../state/layout.ts';
import type { Command } from '../command.ts';
import { ExitCodes } from '../exit-codes.ts';
import { writeLine, type CliIo } from '../io.ts';
import { escapeControlsDeep } from '../../text/terminal-escape.ts';
import { runReportingFailure } from './cli-errors.ts';

const usage = `Usage: mail-agent log [--state-dir D] [--tail N] [-o json]

Prints the outgoing-notifications log newest first: one line per delivery attempt (delivered, retry,
failed) with the time, id, recipients, subject, transport, server code and duration.

Options:
  --state-dir D   the agent's state dir (default as for \`send\`)
  --tail N        only the N newest entries
  -o json         JSON lines, newest first`;

const options = {
  'state-dir': { type: 'string' },
  tail: { type: 'string' },
  output: { type: 'string', short: 'o' },
} as const;

function run(argv: string[], io: CliIo): Promise<number> {
  return runReportingFailure('log', argv, io, options, async (values, json) => {
    const tail = values.tail === undefined ? undefined : Number(values.tail);
    if (tail !== undefined && (!Number.isInteger(tail) || tail < 0)) throw new AgentError(ErrorCodes.Usage, '--tail takes a whole number');
    const stateDir = resolveStateDir(values['state-dir'], io);
    const entries = await readLogNewestFirst(statePaths(stateDir).notificationsLog, tail === undefined ? {} : { tail });
    for (const entry of entries) writeLine(io.stdout, json ? JSON.stringify(entry) : formatEntry(escapeControlsDeep(entry)));
    return ExitCodes.Ok;
  });
}

function formatEntry(e: NotificationLogEntry): string {
  const why = e.result === 'delivered'
    ? (e.confirmedBy ? ` (already on the server: ${e.confirmedBy})` : '')
    : ` ${[e.serverCode ?? e.code, e.reason].filter(Boolean).join(': ')}`;
  const from = e.source ? `  from ${e.source.via} ${e.source.client}${e.source.user ? ` (${e.source.user})` : ''}` : '';
  return `${e.time}  ${e.result.padEnd(9)} ${e.id}  to ${e.to.join(',')}  "${e.subject}"${from}  via ${e.transport}  attempt ${e.attempt}  ${e.durationMs} ms${why}`;
}

export const command: Command = { name: 'log', summary: 'show the outgoing-notifications log, newest first', usage, run };
