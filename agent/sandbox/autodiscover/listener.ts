// The sandbox's plain-HTTP listener (only Autodiscover's redirect probe: a GET answered by a 302 to an
// HTTPS URL, never anything that takes credentials), and the agent flags that point every name the users
// file mentions at the sandbox: --resolve HOST:PORT:ADDR:PORT and --resolve-srv NAME:TARGET:PORT.
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Directory } from '../users.ts';
import { autodiscoverHttpRedirect } from './handlers.ts';

export interface RedirectListener {
  port: number;
  close(): Promise<void>;
}

export async function startRedirectListener(directory: Directory, host: string, port: number): Promise<RedirectListener> {
  const server = createServer({ keepAlive: true }, (req, res) => autodiscoverHttpRedirect({ directory }, req, res));
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve(); });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}

export interface ResolveHints {
  /** --resolve values: HOST:PORT:ADDR:PORT */
  resolve: string[];
  /** --resolve-srv values: NAME:TARGET:PORT:PRIORITY:WEIGHT */
  resolveSrv: string[];
}

interface Names { https: Set<string>; domains: Set<string>; resolveSrv: string[] }

/** The HTTPS host:port pairs, e-mail domains and SRV answers the users file mentions. */
function namesOf(directory: Directory): Names {
  const https = new Set<string>();
  const domainOf = (email: string): string => email.slice(email.lastIndexOf('@') + 1);
  const addUrl = (url: string | undefined): void => {
    if (!url) return;
    const parsed = new URL(url);
    if (parsed.protocol === 'https:') https.add(`${parsed.hostname.toLowerCase()}:${parsed.port || 443}`);
  };
  const domains = new Set<string>();
  for (const account of directory.accounts) {
    for (const email of [account.email, ...(account.aliases ?? [])]) domains.add(domainOf(email));
    if (account.autodiscover?.redirectAddr) domains.add(domainOf(account.autodiscover.redirectAddr));
    addUrl(account.autodiscover?.internal);
    addUrl(account.autodiscover?.external);
    addUrl(account.autodiscover?.redirectUrl);
  }
  const resolveSrv: string[] = [];
  for (const [domain, config] of directory.domains ?? []) {
    domains.add(domain);
    addUrl(config.httpRedirect);
    for (const srv of config.srv) {
      resolveSrv.push(`_autodiscover._tcp.${domain}:${srv.target}:${srv.port}:${srv.priority}:${srv.weight}`);
      https.add(`${srv.target}:${srv.port}`);
    }
  }
  for (const domain of domains) {
    https.add(`${domain}:443`);
    https.add(`autodiscover.${domain}:443`);
  }
  return { https, domains, resolveSrv };
}

/** Host names the server certificate must cover so that every HTTPS name of the users file is trusted. */
export function certificateNames(directory: Directory): string[] {
  return [...new Set([...namesOf(directory).https].map((hostPort) => hostPort.replace(/:\d+$/, '')))];
}

/** Every name the users file mentions, sent to this sandbox: HTTPS names to its port, autodiscover.<domain>:80 to the redirect listener. */
export function resolveHints(directory: Directory, address: string, httpsPort: number, httpPort: number | undefined): ResolveHints {
  const target = address.includes(':') ? `[${address}]` : address;
  const { https, domains, resolveSrv } = namesOf(directory);
  const resolve = [...https].map((hostPort) => `${hostPort}:${target}:${httpsPort}`);
  if (httpPort !== undefined) for (const domain of domains) resolve.push(`autodiscover.${domain}:80:${target}:${httpPort}`);
  return { resolve, resolveSrv };
}
