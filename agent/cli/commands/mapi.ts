// `mail-agent mapi profiles [-o json]`: the MAPI profiles the helper sees, the default one marked.
import { outputOption, parseCommandArgs } from '../args.ts';
import type { Command } from '../command.ts';
import { ExitCodes } from '../exit-codes.ts';
import { writeLine, type CliIo } from '../io.ts';
import { AgentError, ErrorCodes, isAgentError } from '../../errors.ts';
import { resolveHelperCommand } from '../../transports/mapi/helper-command.ts';
import { MapiTransport } from '../../transports/mapi/transport.ts';

const usage = `Usage: mail-agent mapi profiles [-o text|json] [--timeout SECONDS]

List the Extended MAPI (Outlook) profiles of the account running this command, marking the default.
Runs the MAPI helper: on Windows the bundled native/build/mapi-helper.exe, elsewhere the command in
MAIL_AGENT_MAPI_HELPER (e.g. "/usr/lib/wine/wine64 native/build/mapi-helper.exe" for tests).

Exit codes: 0 listed · 1 MAPI failed · 64 usage · 69 MAPI unavailable on this machine.`;

async function listProfiles(io: CliIo, json: boolean, timeoutMs: number): Promise<number> {
  let command: string[] | AgentError;
  try {
    command = resolveHelperCommand(io.env, process.platform);
  } catch (err) {
    if (!(err instanceof AgentError)) throw err;
    command = err;
  }
  const transport = new MapiTransport({ command, env: io.env, profile: '', timeoutMs, startupMs: timeoutMs, saveCopy: true, outboxWaitMs: 0 });
  try {
    const profiles = await transport.profiles();
    if (json) writeLine(io.stdout, JSON.stringify({ profiles }));
    else if (profiles.length === 0) writeLine(io.stdout, 'no MAPI profiles');
    else for (const p of profiles) writeLine(io.stdout, `${p.default ? '*' : ' '} ${p.name}${p.default ? '  (default)' : ''}`);
    return ExitCodes.Ok;
  } catch (err) {
    if (!isAgentError(err)) throw err;
    writeLine(io.stderr, `mail-agent mapi profiles: ${err.message}`);
    return err.code === ErrorCodes.PlatformUnsupported ? ExitCodes.Unavailable : ExitCodes.Failed;
  } finally {
    await transport.close();
  }
}

export const command: Command = {
  name: 'mapi',
  summary: 'Extended MAPI tools: `mapi profiles` lists Outlook profiles',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { ...outputOption, timeout: { type: 'string', default: '30' } }, true);
    const timeout = Number(values.timeout.replace(/s$/, ''));
    if (positionals.length !== 1 || positionals[0] !== 'profiles' || !['text', 'json'].includes(values.output) ||
        !(timeout > 0)) {
      writeLine(io.stderr, usage);
      return ExitCodes.Usage;
    }
    return listProfiles(io, values.output === 'json', timeout * 1000);
  },
};
