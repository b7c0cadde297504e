// `main(argv, io) → exit code`: the whole CLI as a testable function (argv excludes node and script).
import { commands } from './commands/index.ts';
import { ExitCodes } from './exit-codes.ts';
import { writeLine, type CliIo } from './io.ts';
import { version } from '../version.ts';
import { ErrorCodes, isAgentError } from '../errors.ts';

function topHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'mail-agent — declarative Exchange (EWS / MAPI) mail settings for notification servers',
    '',
    'Usage: mail-agent <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `mail-agent <command> --help` for a command\'s options.',
  ].join('\n');
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    writeLine(name === undefined ? io.stderr : io.stdout, topHelp());
    return name === undefined ? ExitCodes.Usage : ExitCodes.Ok;
  }
  if (name === '--version' || name === '-V') {
    writeLine(io.stdout, version);
    return ExitCodes.Ok;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    writeLine(io.stderr, `mail-agent: unknown command '${name}'\n\n${topHelp()}`);
    return ExitCodes.Usage;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    writeLine(io.stdout, command.usage);
    return ExitCodes.Ok;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    // A usage error from any command: say what is wrong, point at --help, exit 64.
    if (isAgentError(err) && err.code === ErrorCodes.Usage) {
      writeLine(io.stderr, `mail-agent ${name}: ${err.message}\nRun \`mail-agent ${name} --help\` for its options.`);
      return ExitCodes.Usage;
    }
    throw err;
  }
}
