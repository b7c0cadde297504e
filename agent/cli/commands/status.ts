// `mail-agent status`: print the agent's status, or wait until a revision converges (docs/agent.md
// "Waiting for a rollout").
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from '../command.ts';
import { parseCommandArgs } from '../args.ts';
import { parseDuration } from '../../text/duration.ts';
import { ExitCodes } from '../exit-codes.ts';
import { writeLine, writeTextLine, type CliIo } from '../io.ts';
import { escapeControlsDeep } from '../../text/terminal-escape.ts';
import { AgentError, ErrorCodes, isAgentError } from '../../errors.ts';
import { resolveStatusPath } from '../../run/default-paths.ts';
import { resolveStateDir } from '../../state/default-dir.ts';
import { formatOutcome, formatStatus } from '../status/format.ts';
import { describeWait, progressLine } from '../status/wait-progress.ts';
import { styleFor } from '../style.ts';
import { waitForRevision, type WaitOutcome } from '../status/wait.ts';
import { normalizeRevision, revisionOf } from '../../config/revision.ts';

const usage = `Usage: mail-agent status [--status S] [--wait] [--for-file F | --for-revision R] [--timeout 60s] [-o json]

Prints the agent's status file, or with --wait waits until the settings converge.

Options:
  --status S          the status file (default: <state-dir>/status.json; state dir from
                      $MAIL_AGENT_STATE_DIR, /var/lib/mail-agent as root, else ~/.local/state/mail-agent)
  --wait              poll until the revision is Ready, rejected, Stalled or superseded
  --for-file F        the revision to wait for is sha256 of F's bytes (the file you pushed)
  --for-revision R    the revision to wait for (sha256:<hex>, as sha256sum prints)
  --timeout D         how long to wait (default 60s; 500ms, 2m, 1h also accepted)
  -o, --output json   print the status document as JSON

Exit codes: 0 Ready on that revision · 1 rejected or Stalled (at once) · 2 superseded by a newer file ·
64 usage · 69 status file missing, unreadable or stale when the wait ends · 124 timeout.
Without --wait the file is judged once: 0 Ready, 1 not (yet) Ready, 2 superseded, 69 unavailable.`;

const options = {
  status: { type: 'string' },
  wait: { type: 'boolean' },
  'for-file': { type: 'string' },
  'for-revision': { type: 'string' },
  timeout: { type: 'string' },
  output: { type: 'string', short: 'o' },
} as const;

const ExitFor: Record<WaitOutcome['kind'], number> = {
  converged: ExitCodes.Ok,
  rejected: ExitCodes.Failed,
  stalled: ExitCodes.Failed,
  superseded: ExitCodes.Superseded,
  timeout: ExitCodes.Timeout,
  unavailable: ExitCodes.Unavailable,
};

async function targetRevision(values: { 'for-file'?: string; 'for-revision'?: string }, cwd: string): Promise<string | undefined> {
  if (values['for-file'] !== undefined && values['for-revision'] !== undefined) {
    throw new AgentError(ErrorCodes.Usage, '--for-file and --for-revision exclude each other');
  }
  if (values['for-revision'] !== undefined) {
    const revision = normalizeRevision(values['for-revision']);
    if (!revision) throw new AgentError(ErrorCodes.Usage, '--for-revision: expected sha256:<64 hex digits>');
    return revision;
  }
  if (values['for-file'] === undefined) return undefined;
  try {
    return revisionOf(await readFile(resolve(cwd, values['for-file'])));
  } catch (err) {
    throw new AgentError(ErrorCodes.Usage, `--for-file: cannot read ${values['for-file']} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

async function run(argv: string[], io: CliIo): Promise<number> {
  try {
    const { values } = parseCommandArgs(argv, options);
    if (values.output !== undefined && values.output !== 'json' && values.output !== 'text') {
      throw new AgentError(ErrorCodes.Usage, '-o: expected json or text');
    }
    const statusPath = resolveStatusPath(values.status, resolveStateDir(undefined, io), io.cwd);
    const revision = await targetRevision(values, io.cwd);
    const timeoutMs = values.wait ? parseDuration(values.timeout ?? '60s', '--timeout') : 0;
    const since = new Date();
    // On a terminal, --wait says on stderr what it is waiting for, on one line erased at the end.
    const progress = progressLine(io.stderr, styleFor(io.stderr, io.env), values.wait === true);
    const { outcome, doc } = await waitForRevision({
      statusPath, target: revision ? { revision, since } : { since }, timeoutMs,
      onProgress: (p) => { progress.show(describeWait(revision, escapeControlsDeep(p))); },
    }).finally(() => { progress.clear(); });
    const style = styleFor(io.stdout, io.env);
    const json = values.output === 'json';
    if (outcome.kind === 'unavailable') {
      writeTextLine(io.stderr, `mail-agent status: ${outcome.why}`);
      return ExitCodes.Unavailable;
    }
    if (json && doc) writeLine(io.stdout, JSON.stringify(doc, null, 2));
    // Text: every string of the document may come from outside (a server's fault text, a file name).
    const shown = escapeControlsDeep(doc);
    if (!json && !values.wait && revision === undefined && shown) writeLine(io.stdout, formatStatus(shown, style));
    if (!json) writeLine(io.stdout, formatOutcome(escapeControlsDeep(outcome), shown, values.wait === true, style));
    // Judged once without --wait: "not yet" is simply not Ready.
    if (!values.wait && outcome.kind === 'timeout') return ExitCodes.Failed;
    return ExitFor[outcome.kind];
  } catch (err) {
    if (isAgentError(err) && err.code === ErrorCodes.Usage) {
      writeLine(io.stderr, `mail-agent status: ${err.message}\n\n${usage}`);
      return ExitCodes.Usage;
    }
    throw err;
  }
}

export const statusCommand: Command = { name: 'status', summary: 'print the status, or wait until a revision converges', usage, run };
