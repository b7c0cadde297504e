// startSandbox(options): the Exchange sandbox as a function, for tests, benchmarks and `mail-agent sandbox`.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { Authenticator, type AuthEvent, type NtlmAcceptor } from './auth/authenticate.ts';
import type { AuthScheme, ExtendedProtection } from './auth/policy.ts';
import { certificateBindings } from '../ntlm/channel-bindings.ts';
import { certificateNames, startRedirectListener, resolveHints, type RedirectListener, type ResolveHints } from './autodiscover/listener.ts';
import { CredentialChecker } from './auth/credentials.ts';
import { checkFaultRule, FaultInjector, type FaultRule } from './faults.ts';
import { route, type EwsTap, type RouterState } from './router.ts';
import { MailboxLimits } from './limits/limiter.ts';
import type { ExchangeLimits } from './limits/options.ts';
import { MailboxStore } from './mailbox/store.ts';
import { createNtlmAcceptor } from './auth/ntlm-server.ts';
import { buildDirectory, loadDirectory, type Directory } from './users.ts';
import { AgentError, ErrorCodes } from '../errors.ts';
import type { SmtpPort } from './smtp/server.ts';
import { AccessTokens } from './identity/access-tokens.ts';
import { loadApps, type AppDirectory } from './identity/apps.ts';
import { SigningKeys } from './identity/signing-key.ts';
import { UploadSessions } from './graph/uploads.ts';
import type { ExchangeVersion } from './versions.ts';

export type { FaultRule, FaultKind } from './faults.ts';
export type { AuthEvent } from './auth/authenticate.ts';
export type { AuthScheme, ExtendedProtection } from './auth/policy.ts';
export type { ExchangeVersion } from './versions.ts';
export type { ExchangeLimits } from './limits/options.ts';

export interface SandboxOptions {
  /** Where ca.pem, the mailboxes and deliveries.jsonl go. */
  dataDir: string;
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** A users file (YAML); without it (and without `directory`) the one default account exists. */
  usersFile?: string;
  /** The accounts, given directly (tests); wins over usersFile. */
  directory?: Directory;
  /** An apps file (YAML): the app registrations of the identity platform; without it (and without `apps`)
   *  the one default app (tenant sandbox.test, client id 11111111-2222-3333-4444-555555555555). */
  appsFile?: string;
  /** The app registrations, given directly (tests); wins over appsFile. */
  apps?: AppDirectory;
  /** Graph requests at once per app and mailbox before 429 (default 4, Exchange Online's). */
  mailboxConcurrency?: number;
  version?: ExchangeVersion;
  /** Extra names the server certificate covers (localhost and 127.0.0.1 always are). */
  hostnames?: string[];
  /** Plain HTTP instead of HTTPS. */
  http?: boolean;
  faults?: FaultRule[];
  /** BackOffMilliseconds of injected ErrorServerBusy faults (default 1000). */
  backoffMs?: number;
  now?: () => Date;
  /** Makes the NTLM server side (default: sandbox/auth/ntlm-server.ts); tests may inject another. */
  ntlm?: (directory: Directory, hostname: string) => NtlmAcceptor;
  /** Sees each EWS request and the sandbox's answer (for conformance tests). */
  tap?: EwsTap;
  /** What the 401 offers, in order (default ntlm, basic, bearer). */
  authSchemes?: readonly AuthScheme[];
  /** IIS Extended Protection (tokenChecking): off (default), allow, require. Require needs HTTPS. */
  extendedProtection?: ExtendedProtection;
  /** Sees each authentication decision (tests: channel binding, target name, why refused). */
  onAuth?: (event: AuthEvent) => void;
  /** Port of the plain-HTTP listener for Autodiscover's 302 (default: a free one, opened only when the users
   *  file names an `httpRedirect`, or when this is given). */
  redirectPort?: number;
  /** An SMTP submission port too (agent/sandbox/smtp), on `host`; 0 picks a free port. Absent: none. */
  smtpPort?: number;
  /** The largest message the SMTP port takes (SIZE; default 36,700,160 bytes, Exchange's 35 MB). */
  smtpMaxMessageBytes?: number;
  /** Client addresses the SMTP port lets send without AUTH (an anonymous relay connector). */
  smtpRelayFrom?: string[];
  /** Exchange's per-mailbox limits (limits/options.ts): message rate, Sent Items lag, connections, size, mailbox version. */
  limits?: Partial<ExchangeLimits>;
}

export interface Sandbox {
  /** The EWS endpoint, e.g. https://127.0.0.1:41234/EWS/Exchange.asmx */
  url: string;
  /** Origin (scheme://host:port) the Autodiscover endpoints hang off. */
  origin: string;
  host: string;
  port: number;
  /** The CA certificate (PEM) that signs the server certificate; undefined with `http`. */
  caPem: string | undefined;
  caPath: string | undefined;
  dataDir: string;
  /** The plain-HTTP listener answering http://autodiscover.<domain>/autodiscover/autodiscover.xml with its 302. */
  redirectPort: number | undefined;
  /** The agent flags that send every name of the users file here: --resolve and --resolve-srv values. */
  resolve: ResolveHints;
  /** The SMTP submission port, when asked for (`smtpPort`). */
  smtp?: { host: string; port: number };
  /** Replaces the fault-injection rules (an empty list clears them). */
  setFaults(rules: FaultRule[]): void;
  /** Changes the mailbox limits (each key given replaces that limit, null lifts it); returns them all. */
  setLimits(change: Record<string, unknown>): ExchangeLimits;
  close(): Promise<void>;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const dataDir = path.resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  const host = options.host ?? '127.0.0.1';
  const hostnames = options.hostnames ?? [];
  const hostname = hostnames[0] ?? 'sandbox.local';
  const directory = options.directory ?? (options.usersFile ? await loadDirectory(options.usersFile) : buildDirectory());
  // Loaded only for HTTPS: certificate generation pulls in @peculiar/x509 and its polyfill.
  // The certificate also names the address the sandbox binds, when that is one address.
  // … and every HTTPS name the users file mentions (Autodiscover hosts, EWS URLs, SRV targets).
  const named = [...hostnames, ...certificateNames(directory)];
  const certNames = host === '0.0.0.0' || host === '::' ? named : [...named, host];
  const tls = options.http ? undefined : await (await import('./certs.ts')).ensureTls(dataDir, certNames);
  const apps = options.apps ?? await loadApps(options.appsFile);
  if (options.extendedProtection === 'require' && !tls) {
    throw new AgentError(ErrorCodes.Usage, 'extended protection needs HTTPS: there is no channel to bind over plain HTTP');
  }
  const store = new MailboxStore(dataDir);
  const faults = new FaultInjector((options.faults ?? []).map(checkFaultRule), options.backoffMs ?? 1000);
  const now = options.now ?? (() => new Date());
  const limits = new MailboxLimits(store, dataDir, options.limits);
  let origin = '';
  const keys = new SigningKeys(dataDir);
  const tokens = new AccessTokens(keys, apps, now);
  const credentials = new CredentialChecker(directory, tokens);
  const state: RouterState = {
    auth: new Authenticator(credentials, (options.ntlm ?? createNtlmAcceptor)(directory, hostname), hostname, {
      ...(options.authSchemes ? { schemes: options.authSchemes } : {}),
      ...(options.extendedProtection ? { extendedProtection: options.extendedProtection } : {}),
      ...(tls ? { channelBindings: certificateBindings(new X509Certificate(tls.certPem).raw) } : {}),
      ...(options.onAuth ? { onAuth: options.onAuth } : {}),
    }),
    directory, store, faults, limits, hostname,
    version: options.version ?? 'Exchange2016',
    now,
    ewsUrl: () => `${origin}/EWS/Exchange.asmx`,
    tap: options.tap,
    identity: { apps, keys, tokens, now },
    graph: {
      credentials, directory, store, faults, hostname, now, limits,
      mailboxConcurrency: options.mailboxConcurrency ?? 4, uploads: new UploadSessions(), inFlight: new Map(), created: new Map(),
    },
  };
  const handler = (req: IncomingMessage, res: ServerResponse): void => { void route(state, req, res); };
  const server: Server = tls
    ? createHttpsServer({ cert: tls.certPem, key: tls.keyPem, keepAlive: true }, handler)
    : createHttpServer({ keepAlive: true }, handler);
  server.keepAliveTimeout = 120_000;
  const sockets = new Set<Socket>();
  server.on(tls ? 'secureConnection' : 'connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => { server.off('error', reject); resolve(); });
    });
  } catch (err) {
    limits.close();
    store.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  origin = `${tls ? 'https' : 'http'}://${urlHost(host)}:${port}`;
  const wantsRedirect = options.redirectPort !== undefined || [...(directory.domains?.values() ?? [])].some((d) => d.httpRedirect);
  let redirect: RedirectListener | undefined;
  try {
    redirect = wantsRedirect ? await startRedirectListener(directory, host, options.redirectPort ?? 0) : undefined;
  } catch (err) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    store.close();
    throw err;
  }
  let smtp: SmtpPort | undefined;
  if (options.smtpPort !== undefined) {
    try {
      // Loaded only when asked for: smtp-server is not needed by the EWS sandbox.
      smtp = await (await import('./smtp/server.ts')).startSmtpPort({
        host, port: options.smtpPort, credentials: state.auth.credentials, store, hostname, now: state.now,
        ...(tls ? { tls: { certPem: tls.certPem, keyPem: tls.keyPem } } : {}),
        ...(options.smtpMaxMessageBytes !== undefined ? { maxMessageBytes: options.smtpMaxMessageBytes } : {}),
        ...(options.smtpRelayFrom ? { relayFrom: options.smtpRelayFrom } : {}),
      });
    } catch (err) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await redirect?.close();
      store.close();
      throw err;
    }
  }
  let closing: Promise<void> | undefined;
  return {
    url: state.ewsUrl(), origin, host, port, dataDir,
    redirectPort: redirect?.port,
    resolve: resolveHints(directory, urlHost(host).replace(/^\[(.*)\]$/, '$1'), port, redirect?.port),
    ...(smtp ? { smtp: { host: smtp.host, port: smtp.port } } : {}),
    caPem: tls?.caPem, caPath: tls?.caPath,
    setFaults: (rules) => faults.set(rules.map(checkFaultRule)),
    setLimits: (change) => limits.change(change),
    close: () => {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        for (const socket of sockets) socket.destroy();
        await Promise.all([closed, redirect?.close(), smtp?.close()]);
        limits.close();
        store.close();
      })();
      return closing;
    },
  };
}
