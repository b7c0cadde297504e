// `mail-agent send`: check a notification against the settings now applied, compose it, queue it durably
// in the state dir, print its id. Works beside a running agent (which delivers it) or before one starts.
import type { MessageSettings } from '../../config/settings.ts';
import { AgentError, ErrorCodes } from '../../errors.ts';
import { submitNotification } from '../../queue/submit.ts';
import { Spool } from '../../queue/spool.ts';
import { readApplied } from '../../state/applied.ts';
import { resolveStateDir } from '../../state/default-dir.ts';
import type { Command } from '../command.ts';
import { ExitCodes } from '../exit-codes.ts';
import { writeLine, type CliIo } from '../io.ts';
import { runReportingFailure } from './cli-errors.ts';
import { inputFromFlags } from './send-input.ts';

/** Checked against these when no settings were applied yet (the schema's defaults). */
export const defaultMessageSettings: MessageSettings = { charset: 'utf-8', plainText: false, fromDelegation: false };

const usage = `Usage: mail-agent send --to ADDR[,ADDR] [--cc …] [--bcc …] --subject S [--body FILE|-] [--html]
                       [--from ADDR] [--attach FILE]… [--state-dir D] [-o json]

Checks a notification against the settings the agent has applied (attachment limit, From delegation,
charset, addresses, no CR/LF in headers), queues it durably and prints its id. Nothing is queued when a
check fails (exit 1). The running agent delivers it through the live transport.

Options:
  --to, --cc, --bcc ADDR   recipients; repeat the flag or separate with commas ("Name <a@x>" allowed)
  --subject S              the subject
  --body FILE|-            the body from a file or stdin (UTF-8); empty when absent
  --html                   the body is HTML (sent as HTML with a text alternative, or as text in plain-text mode)
  --from ADDR              From other than the default: needs message.fromDelegation: true
  --attach FILE            attach a file (repeatable); only its base name is sent
  --state-dir D            the agent's state dir (default: $MAIL_AGENT_STATE_DIR, /var/lib/mail-agent
                           as root, else $XDG_STATE_HOME/mail-agent)
  -o json                  print the result as JSON

Exit codes: 0 queued · 1 a check failed (nothing queued) · 64 usage`;

const options = {
  to: { type: 'string', multiple: true },
  cc: { type: 'string', multiple: true },
  bcc: { type: 'string', multiple: true },
  subject: { type: 'string' },
  body: { type: 'string' },
  html: { type: 'boolean' },
  from: { type: 'string' },
  attach: { type: 'string', multiple: true },
  'state-dir': { type: 'string' },
  output: { type: 'string', short: 'o' },
} as const;

function run(argv: string[], io: CliIo): Promise<number> {
  return runReportingFailure('send', argv, io, options, async (values, json) => {
    const input = await inputFromFlags(values, io);
    const stateDir = resolveStateDir(values['state-dir'], io);
    const applied = await readAppliedOrFail(stateDir);
    const settings = applied?.settings.message ?? defaultMessageSettings;
    const spool = await Spool.open(stateDir);
    const queued = await submitNotification(spool, input, settings, { cwd: io.cwd });
    // Said once it is true: a notification refused by a check was not queued.
    if (!applied) {
      writeLine(io.stderr, `mail-agent send: warning: no settings applied yet in ${stateDir}; checked against the defaults `
        + '(utf-8, no attachment limit, From delegation off) and queued for when the agent applies its settings');
    }
    if (json) {
      writeLine(io.stdout, JSON.stringify({ ok: true, ...queued, stateDir, checkedAgainst: applied ? applied.revision : 'defaults' }));
    } else {
      writeLine(io.stdout, queued.id);
    }
    return ExitCodes.Ok;
  });
}

async function readAppliedOrFail(stateDir: string) {
  try {
    return await readApplied(stateDir);
  } catch (err) {
    const why = err instanceof SyntaxError ? 'not valid JSON' : ((err as NodeJS.ErrnoException).code ?? 'unreadable');
    throw new AgentError(ErrorCodes.Internal, `the applied settings in ${stateDir}/applied.json cannot be read (${why}); nothing queued`, { cause: err });
  }
}

export const command: Command = { name: 'send', summary: 'check a notification and queue it for delivery', usage, run };
