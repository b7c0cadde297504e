// `mail-agent sandbox`: the Exchange sandbox in the foreground. One line on stdout when ready (the EWS
// URL, or JSON with -o json); SIGTERM or SIGINT stop it cleanly.
import { isIP } from 'node:net';
import path from 'node:path';
import type { Command } from '../command.ts';
import { outputFormat, parseCommandArgs } from '../args.ts';
import { ExitCodes } from '../exit-codes.ts';
import { writeLine, type CliIo } from '../io.ts';
import { AgentError, ErrorCodes, isAgentError } from '../../errors.ts';
import { formatAddress } from '../../config/listen.ts';
import { limitsFromFlags, limitsOptions, limitsUsage } from './sandbox-limits.ts';

const usage = `Usage: mail-agent sandbox [options]

A loopback Exchange server for tests and CI: EWS, Microsoft Graph v1.0 mail (https://HOST:PORT/v1.0/...)
and the identity platform that issues its app-only tokens (https://HOST:PORT/<tenant>/oauth2/v2.0/token),
HTTPS with its own CA, Basic/NTLM/Bearer auth, every delivered message as .eml under
DATA/mailboxes/<recipient>/ and a line in DATA/deliveries.jsonl; with --smtp-port, Exchange's SMTP
submission too.

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
  --version V          Exchange version to be (default Exchange2016)
  --hostname NAME      extra name for the server certificate (repeatable)
  --http               plain HTTP instead of HTTPS
  --fault SPEC         inject faults: KIND:N (next N requests) or KIND@P (probability P), repeatable;
                       KIND: busy, unavailable, html500, reset, stall, badxml, connlimit,
                       internal200, unknowncode, expired
  --backoff-ms MS      BackOffMilliseconds of 'busy' faults (default 1000)
  --auth-schemes LIST  what the 401 offers, in order: ntlm, negotiate (SPNEGO with NTLM inside, as
                       IIS's Negotiate provider), negotiate:kerberos (Kerberos only: NTLM refused),
                       basic, bearer (default ntlm,basic,bearer)
  --extended-protection MODE
                       off (default), allow or require: NTLM's channel binding must match the
                       server certificate (require: must be present), as IIS tokenChecking
  --redirect-port N    plain-HTTP port for Autodiscover's 302 (default: a free one, opened when the
                       users file has a domain with httpRedirect)

  --smtp-port N        also an SMTP submission port (STARTTLS, AUTH LOGIN/XOAUTH2, Exchange's replies);
                       0 picks a free one; the ready line then ends with "smtp HOST:PORT"
  --smtp-relay-from A  a client address that may send over SMTP without AUTH (repeatable)
  --smtp-max-size B    the largest message the SMTP port takes, in bytes (default 36700160)
${limitsUsage}
  -o, --output FORMAT  text (default) or json: {"url", "graph", "authority", "ca", "dataDir",
                       "redirectPort", "resolve", "resolveSrv"} (resolve*: the agent's --resolve /
                       --resolve-srv values for every name of the users file), and "smtp": "HOST:PORT"
                       with --smtp-port`;

const options = {
  host: { type: 'string' },
  port: { type: 'string' },
  'data-dir': { type: 'string' },
  users: { type: 'string' },
  apps: { type: 'string' },
  version: { type: 'string' },
  hostname: { type: 'string', multiple: true },
  http: { type: 'boolean' },
  fault: { type: 'string', multiple: true },
  'backoff-ms': { type: 'string' },
  'auth-schemes': { type: 'string' },
  'extended-protection': { type: 'string' },
  'redirect-port': { type: 'string' },
  'smtp-port': { type: 'string' },
  'smtp-relay-from': { type: 'string', multiple: true },
  'smtp-max-size': { type: 'string' },
  output: { type: 'string', short: 'o' },
  ...limitsOptions,
} as const;

function wholeNumber(value: string | undefined, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) > max) throw new AgentError(ErrorCodes.Usage, `--${name} must be a whole number up to ${max}`);
  return Number(value);
}

function smtpOptions(values: { 'smtp-port'?: string; 'smtp-relay-from'?: string[]; 'smtp-max-size'?: string }) {
  if (values['smtp-port'] === undefined) {
    if (values['smtp-relay-from'] || values['smtp-max-size']) throw new AgentError(ErrorCodes.Usage, '--smtp-relay-from and --smtp-max-size need --smtp-port');
    return {};
  }
  for (const address of values['smtp-relay-from'] ?? []) {
    if (isIP(address) === 0) throw new AgentError(ErrorCodes.Usage, '--smtp-relay-from must be an IP address');
  }
  return {
    smtpPort: wholeNumber(values['smtp-port'], 'smtp-port', 0, 65535),
    ...(values['smtp-relay-from'] ? { smtpRelayFrom: values['smtp-relay-from'] } : {}),
    ...(values['smtp-max-size'] !== undefined ? { smtpMaxMessageBytes: wholeNumber(values['smtp-max-size'], 'smtp-max-size', 0, 2 ** 31) } : {}),
  };
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
    const output = outputFormat(values.output);
    const { isExchangeVersion, EXCHANGE_VERSIONS } = await import('../../sandbox/versions.ts');
    const version = values.version ?? 'Exchange2016';
    if (!isExchangeVersion(version)) throw new AgentError(ErrorCodes.Usage, `--version must be one of ${EXCHANGE_VERSIONS.join(', ')}`);
    const backoffMs = wholeNumber(values['backoff-ms'], 'backoff-ms', 1000);
    const { parseFaultSpec } = await import('../../sandbox/faults.ts');
    const faults = (values.fault ?? []).map((spec) => parseFaultSpec(spec));
    const { parseAuthSchemes, isExtendedProtection, EXTENDED_PROTECTION } = await import('../../sandbox/auth/policy.ts');
    const authSchemes = values['auth-schemes'] === undefined ? undefined : parseAuthSchemes(values['auth-schemes']);
    const extendedProtection = values['extended-protection'];
    if (extendedProtection !== undefined && !isExtendedProtection(extendedProtection)) {
      throw new AgentError(ErrorCodes.Usage, `--extended-protection must be one of ${EXTENDED_PROTECTION.join(', ')}`);
    }
    const redirectPort = values['redirect-port'] === undefined ? undefined : wholeNumber(values['redirect-port'], 'redirect-port', 0, 65535);
    const limits = await limitsFromFlags(values);
    const { startSandbox } = await import('../../sandbox/index.ts');
    const sandbox = await startSandbox({
      ...(authSchemes ? { authSchemes } : {}), ...(extendedProtection ? { extendedProtection } : {}),
      ...(redirectPort !== undefined ? { redirectPort } : {}),
      dataDir: path.resolve(io.cwd, values['data-dir'] ?? '.sandbox'),
      host: values.host, port: wholeNumber(values.port, 'port', 8443, 65535),
      usersFile: values.users === undefined ? undefined : path.resolve(io.cwd, values.users),
      appsFile: values.apps === undefined ? undefined : path.resolve(io.cwd, values.apps),
      version, hostnames: values.hostname, http: values.http, faults, backoffMs, limits,
      ...smtpOptions(values),
    });
    const smtp = sandbox.smtp ? formatAddress(sandbox.smtp.host, sandbox.smtp.port) : undefined;
    writeLine(io.stdout, output === 'json'
      ? JSON.stringify({
        url: sandbox.url, graph: `${sandbox.origin}/v1.0`, authority: `${sandbox.origin}/sandbox.test`, ca: sandbox.caPath ?? null,
        dataDir: sandbox.dataDir, redirectPort: sandbox.redirectPort ?? null,
        resolve: sandbox.resolve.resolve, resolveSrv: sandbox.resolve.resolveSrv, ...(smtp ? { smtp } : {}),
      })
      : `${sandbox.url}${smtp ? ` smtp ${smtp}` : ''}`);
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
