// `mail-agent start-demo` (what `npm start` runs): the sandbox on https://localhost:8443 and the agent on
// config.example.yaml, in one process, so a newcomer sees the status turn Ready and the test message land
// in the sandbox mailbox — and an edit of the file reconcile.
import path from 'node:path';
import type { Command } from '../command.ts';
import { parseCommandArgs } from '../args.ts';
import { writeLine, type CliIo } from '../io.ts';
import { AgentError, ErrorCodes } from '../../errors.ts';
import { runCommand } from './run.ts';
import { ExitCodes } from '../exit-codes.ts';

const usage = `Usage: mail-agent start-demo [--config config.example.yaml] [--port 8443] [--data-dir .sandbox] [--state-dir .state]

Starts the Exchange sandbox (default account SANDBOX\\notify, password "sandbox"; for Graph, the default app
11111111-2222-3333-4444-555555555555 with secret "sandbox-secret") and the agent on the example settings
(Graph: --config config.graph.example.yaml, what \`npm run start:graph\` runs). Watch it with
\`mail-agent status --status .state/status.json\`; the test message lands under .sandbox/mailboxes/. Edit the
settings file and the agent reconciles. Ctrl-C stops both.`;

const options = {
  config: { type: 'string' },
  port: { type: 'string' },
  'data-dir': { type: 'string' },
  'state-dir': { type: 'string' },
} as const;

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(argv, options);
  const port = Number(values.port ?? '8443');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new AgentError(ErrorCodes.Usage, '--port: expected a port number');
  const config = path.resolve(io.cwd, values.config ?? 'config.example.yaml');
  const stateDir = path.resolve(io.cwd, values['state-dir'] ?? '.state');
  const { startSandbox } = await import('../../sandbox/index.ts');
  const sandbox = await startSandbox({ dataDir: path.resolve(io.cwd, values['data-dir'] ?? '.sandbox'), port }).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    writeLine(io.stderr, `mail-agent start-demo: port ${port} is in use — is another \`npm start\` or \`mail-agent sandbox\` running? (--port chooses another)`);
    return undefined;
  });
  if (!sandbox) return ExitCodes.Unavailable;
  writeLine(io.stdout, [
    `sandbox:  ${sandbox.url} (mailboxes in ${path.join(sandbox.dataDir, 'mailboxes')})`,
    `settings: ${config}  — edit it and the agent reconciles`,
    `status:   mail-agent status --status ${path.join(stateDir, 'status.json')}`,
  ].join('\n'));
  try {
    // The example settings read the password from MAIL_AGENT_PASSWORD (the sandbox's default account), the
    // Graph example its client secret from MAIL_AGENT_CLIENT_SECRET (the sandbox's default app).
    const env = { ...io.env, MAIL_AGENT_PASSWORD: io.env.MAIL_AGENT_PASSWORD || 'sandbox', MAIL_AGENT_CLIENT_SECRET: io.env.MAIL_AGENT_CLIENT_SECRET || 'sandbox-secret' };
    return await runCommand.run(['--config', config, '--state-dir', stateDir], { ...io, env });
  } finally {
    await sandbox.close();
  }
}

export const startDemoCommand: Command = { name: 'start-demo', summary: 'npm start: the sandbox and the agent on config.example.yaml', usage, run };
