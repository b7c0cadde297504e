// startSandbox(options): the Exchange sandbox as a function, for tests, benchmarks and `mail-agent sandbox`.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Authenticator, type NtlmAcceptor } from './auth/authenticate.ts';
import { CredentialChecker } from './auth/credentials.ts';
import { checkFaultRule, FaultInjector, type FaultRule } from './faults.ts';
import { route, type EwsTap, type RouterState } from './http/router.ts';
import { MailboxStore } from './mailbox/store.ts';
import { createNtlmAcceptor } from '../ntlm/server.ts';
import { buildDirectory, loadDirectory, type Directory } from './users.ts';
import { AccessTokens } from './identity/access-tokens.ts';
import { loadApps, type AppDirectory } from './identity/apps.ts';
import { SigningKeys } from './identity/signing-key.ts';
import { UploadSessions } from './graph/uploads.ts';
import type { ExchangeVersion } from './versions.ts';

export type { FaultRule, FaultKind } from './faults.ts';
export type { ExchangeVersion } from './versions.ts';

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
  /** How long after a Graph send its copy shows in Sent Items (default 0; Exchange Online takes seconds). */
  sentItemsLagMs?: number;
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
  /** Makes the NTLM server side (default: agent/ntlm/server.ts); tests may inject another. */
  ntlm?: (directory: Directory, hostname: string) => NtlmAcceptor;
  /** Sees each EWS request and the sandbox's answer (for conformance tests). */
  tap?: EwsTap;
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
  /** Replaces the fault-injection rules (an empty list clears them). */
  setFaults(rules: FaultRule[]): void;
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
  const certNames = host === '0.0.0.0' || host === '::' ? hostnames : [...hostnames, host];
  const tls = options.http ? undefined : await (await import('./certs.ts')).ensureTls(dataDir, certNames);
  const apps = options.apps ?? await loadApps(options.appsFile);
  const store = new MailboxStore(dataDir);
  const faults = new FaultInjector((options.faults ?? []).map(checkFaultRule), options.backoffMs ?? 1000);
  let origin = '';
  const now = options.now ?? (() => new Date());
  const keys = new SigningKeys(dataDir);
  const tokens = new AccessTokens(keys, apps, now);
  const credentials = new CredentialChecker(directory, tokens);
  const state: RouterState = {
    auth: new Authenticator(credentials, (options.ntlm ?? createNtlmAcceptor)(directory, hostname), hostname),
    directory, store, faults, hostname,
    version: options.version ?? 'Exchange2016',
    now,
    ewsUrl: () => `${origin}/EWS/Exchange.asmx`,
    tap: options.tap,
    identity: { apps, keys, tokens, now },
    graph: {
      credentials, directory, store, faults, hostname, now, sentItemsLagMs: options.sentItemsLagMs ?? 0,
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
    store.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  origin = `${tls ? 'https' : 'http'}://${urlHost(host)}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url: state.ewsUrl(), origin, host, port, dataDir,
    caPem: tls?.caPem, caPath: tls?.caPath,
    setFaults: (rules) => faults.set(rules.map(checkFaultRule)),
    close: () => {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        for (const socket of sockets) socket.destroy();
        await closed;
        store.close();
      })();
      return closing;
    },
  };
}
