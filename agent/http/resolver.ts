// Where names lead. The one seam for pointing names at other addresses (tests, staging): curl-style
// overrides of host:port (`--resolve HOST:PORT:ADDR[:PORT]`) and SRV answers (`--resolve-srv`), falling
// back to the system's DNS for everything not named. The TLS name checked stays the name asked for.
import { promises as dns } from 'node:dns';

export interface SrvAnswer {
  /** The target host. */
  name: string;
  port: number;
  priority: number;
  weight: number;
}

export interface ConnectTarget {
  address: string;
  port: number;
}

export interface ResolveOverride extends ConnectTarget {
  host: string;
  /** The port asked for (the URL's, 443 or 80 when it names none). */
  hostPort: number;
}

export interface SrvOverride extends SrvAnswer {
  /** The SRV name, e.g. _autodiscover._tcp.contoso.com */
  service: string;
}

export interface NameResolver {
  /** Where a connection to host:port really goes; undefined: the system's DNS, the same port. */
  connectTo(host: string, port: number): ConnectTarget | undefined;
  /** SRV records for `service`; rejects with the DNS error (ENOTFOUND, ENODATA, …) when there are none. */
  resolveSrv(service: string): Promise<SrvAnswer[]>;
}

export type SystemSrv = (service: string) => Promise<SrvAnswer[]>;

export function createResolver(overrides: readonly ResolveOverride[] = [], srv: readonly SrvOverride[] = [],
  systemSrv: SystemSrv = (service) => dns.resolveSrv(service)): NameResolver {
  const targets = new Map(overrides.map((o) => [`${o.host.toLowerCase()}:${o.hostPort}`, { address: o.address, port: o.port }]));
  const answers = new Map<string, SrvAnswer[]>();
  for (const { service, ...answer } of srv) {
    const key = service.toLowerCase();
    answers.set(key, [...(answers.get(key) ?? []), answer]);
  }
  return {
    connectTo: (host, port) => targets.get(`${host.toLowerCase()}:${port}`),
    resolveSrv: (service) => {
      const given = answers.get(service.toLowerCase());
      return given ? Promise.resolve(given) : systemSrv(service);
    },
  };
}
