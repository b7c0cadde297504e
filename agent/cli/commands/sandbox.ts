// `mail-agent sandbox`: the Exchange sandbox in the foreground. One line on stdout when ready (the EWS
// URL, or JSON with -o json); SIGTERM or SIGINT stop it cleanly.
import path from 'node:path';
import type { Command } from '../command.ts';
import { parseCommandArgs } from '../args.ts';
import { ExitCodes } from '../exit-codes.ts';
import { writeLine, type CliIo } from '../io.ts';
import { AgentError, ErrorCodes, isAgentError } from '../../errors.ts';

const usage = `Usage: mail-agent sandbox [options]

A loopback Exchange server for tests and CI: EWS, Microsoft Graph v1.0 mail (https://HOST:PORT/v1.0/...)
and the identity platform that issues its app-only tokens (https://HOST:PORT/<tenant>/oauth2/v2.0/token),
HTTPS with its own CA, Basic/NTLM/Bearer auth, every delivered message as .eml under
DATA/mailboxes/<recipient>/ and a line in DATA/deliveries.jsonl.

Options:
  --host ADDR          address to bind (default 127.0.0.1)
  --port N             port (default 8443; 0 picks a free one)
  --data-dir DIR       CA, mailboxes and delivery log (default .sandbox)
  --users FILE         users file (YAML: users: [{username, password, email, sendAs, sendOnBehalf}],
                       tokens: [{token, email}]); default: SANDBOX\\notify / sandbox / notify@sandbox.test
  --apps FILE          app registrations (YAML: apps: [{clientId, tenant, secrets, certificates, permissions,
                       mailboxes, tokenLifetimeSeconds}]); default: tenant sandbox.test, client id
                       11111111-2222-3333-4444-555555555555, secret sandbox-secret, Mail.Send and
                       Mail.ReadBasic on notify@sandbox.test
  --sent-items-lag-ms MS  how long a Graph send's copy takes to show in Sent Items (default 0)
  --version V          Exchange version to be (default Exchange2016)
  --hostname NAME      extra name for the server certificate (repeatable)
  --http               plain HTTP instead of HTTPS
  --fault SPEC         inject faults: KIND:N (next N requests) or KIND@P (probability P), repeatable;
                       KIND: busy, unavailable, html500, reset, stall, badxml, expired
  --backoff-ms MS      BackOffMilliseconds of 'busy' faults (default 1000)
  -o, --output FORMAT  text (default) or json: {"url", "graph", "authority", "ca", "dataDir"}`;

const options = {
  host: { type: 'string' },
  port: { type: 'string' },
  'data-dir': { type: 'string' },
  users: { type: 'string' },
  apps: { type: 'string' },
  'sent-items-lag-ms': { type: 'string' },
  version: { type: 'string' },
  hostname: { type: 'string', multiple: true },
  http: { type: 'boolean' },
  fault: { type: 'string', multiple: true },
  'backoff-ms': { type: 'string' },
  output: { type: 'string', short: 'o' },
} as const;

function wholeNumber(value: string | undefined, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) > max) throw new AgentError(ErrorCodes.Usage, `--${name} must be a whole number up to ${max}`);
  return Number(value);
}

/** Resolves on SIGTERM or SIGINT; dispose() removes the handlers (also when the sandbox never started). */
function stopSignal(): { stopped: Promise<string>; dispose(): void } {
  let dispose = (): void => undefined;
  const stopped = new Promise<string>((resolve) => {
    const stop = (signal: string): void => {
      dispose();
      resolve(signal);
    };
    dispose = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  return { stopped, dispose };
}

/** Runs until `stop` settles (the command passes SIGTERM/SIGINT). */
export async function runSandbox(argv: string[], io: CliIo, stop: Promise<unknown>): Promise<number> {
  try {
    const { values } = parseCommandArgs(argv, options);
    const output = values.output ?? 'text';
    if (output !== 'text' && output !== 'json') throw new AgentError(ErrorCodes.Usage, '-o must be text or json');
    const { isExchangeVersion, EXCHANGE_VERSIONS } = await import('../../sandbox/versions.ts');
    const version = values.version ?? 'Exchange2016';
    if (!isExchangeVersion(version)) throw new AgentError(ErrorCodes.Usage, `--version must be one of ${EXCHANGE_VERSIONS.join(', ')}`);
    const backoffMs = wholeNumber(values['backoff-ms'], 'backoff-ms', 1000);
    const { parseFaultSpec } = await import('../../sandbox/faults.ts');
    const faults = (values.fault ?? []).map((spec) => parseFaultSpec(spec));
    const { startSandbox } = await import('../../sandbox/index.ts');
    const sandbox = await startSandbox({
      dataDir: path.resolve(io.cwd, values['data-dir'] ?? '.sandbox'),
      host: values.host, port: wholeNumber(values.port, 'port', 8443, 65535),
      usersFile: values.users === undefined ? undefined : path.resolve(io.cwd, values.users),
      appsFile: values.apps === undefined ? undefined : path.resolve(io.cwd, values.apps),
      sentItemsLagMs: wholeNumber(values['sent-items-lag-ms'], 'sent-items-lag-ms', 0),
      version, hostnames: values.hostname, http: values.http, faults, backoffMs,
    });
    writeLine(io.stdout, output === 'json'
      ? JSON.stringify({ url: sandbox.url, graph: `${sandbox.origin}/v1.0`, authority: `${sandbox.origin}/sandbox.test`, ca: sandbox.caPath ?? null, dataDir: sandbox.dataDir })
      : sandbox.url);
    await stop;
    await sandbox.close();
    return ExitCodes.Ok;
  } catch (err) {
    if (isAgentError(err)) {
      writeLine(io.stderr, `mail-agent sandbox: ${err.message}`);
      return err.code === ErrorCodes.Usage ? ExitCodes.Usage : ExitCodes.Failed;
    }
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      writeLine(io.stderr, `mail-agent sandbox: cannot listen (${code})`);
      return ExitCodes.Unavailable;
    }
    throw err;
  }
}

export const command: Command = {
  name: 'sandbox',
  summary: 'run the built-in Exchange (EWS) sandbox server',
  usage,
  run: async (argv, io) => {
    const signal = stopSignal();
    try {
      return await runSandbox(argv, io, signal.stopped);
    } finally {
      signal.dispose();
    }
  },
};
