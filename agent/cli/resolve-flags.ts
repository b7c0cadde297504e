// `--resolve HOST:PORT:ADDR[:PORT]` and `--resolve-srv NAME:TARGET:PORT[:PRIORITY:WEIGHT]` (run, test):
// point names at other addresses for tests and staging, as curl's --resolve does (the extra :PORT is what
// curl's --connect-to adds). The TLS certificate is still checked against HOST.
import { isIP } from 'node:net';
import { AgentError, ErrorCodes } from '../errors.ts';
import { createResolver, type NameResolver, type ResolveOverride, type SrvOverride } from '../http/resolver.ts';

export const resolveFlags = {
  resolve: { type: 'string', multiple: true },
  'resolve-srv': { type: 'string', multiple: true },
} as const;

export const resolveUsage = `  --resolve HOST:PORT:ADDR[:PORT2]
                       connect to ADDR (and PORT2) when a URL names HOST:PORT, as curl's
                       --resolve; the certificate is still checked against HOST (repeatable)
  --resolve-srv NAME:TARGET:PORT[:PRIORITY:WEIGHT]
                       answer the DNS SRV query NAME (e.g. _autodiscover._tcp.contoso.com) with
                       TARGET:PORT instead of asking DNS (repeatable)`;

const hostName = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,62}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,62}[a-z0-9_])?)*\.?$/i;

function usage(flag: string, spec: string, why: string): AgentError {
  return new AgentError(ErrorCodes.Usage, `--${flag} ${spec}: ${why}`);
}

function port(text: string | undefined, flag: string, spec: string, what: string): number {
  if (text === undefined || !/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) throw usage(flag, spec, `${what} must be a port number (1-65535)`);
  return Number(text);
}

function name(text: string | undefined, flag: string, spec: string, what: string): string {
  if (text === undefined || !hostName.test(text)) throw usage(flag, spec, `${what} is not a host name`);
  return text.replace(/\.$/, '').toLowerCase();
}

/** HOST:PORT:ADDR[:PORT2]; ADDR is an IPv4 address or an IPv6 one in brackets. */
export function parseResolve(spec: string): ResolveOverride {
  const match = /^([^:]+):([^:]+):(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::([^:]+))?$/.exec(spec);
  if (!match) throw usage('resolve', spec, 'expected HOST:PORT:ADDR or HOST:PORT:ADDR:PORT');
  const [, host, hostPort, rawAddress, toPort] = match;
  const address = (rawAddress ?? '').replace(/^\[(.*)\]$/, '$1');
  if (!isIP(address)) throw usage('resolve', spec, `${rawAddress} is not an IP address (IPv6 goes in brackets)`);
  const from = port(hostPort, 'resolve', spec, 'PORT');
  return {
    host: name(host, 'resolve', spec, 'HOST'), hostPort: from, address,
    port: toPort === undefined ? from : port(toPort, 'resolve', spec, 'the second PORT'),
  };
}

/** NAME:TARGET:PORT[:PRIORITY:WEIGHT] */
export function parseResolveSrv(spec: string): SrvOverride {
  const parts = spec.split(':');
  if (parts.length !== 3 && parts.length !== 5) throw usage('resolve-srv', spec, 'expected NAME:TARGET:PORT or NAME:TARGET:PORT:PRIORITY:WEIGHT');
  const [service, target, srvPort, priority = '0', weight = '0'] = parts;
  const number = (text: string, what: string): number => {
    if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) throw usage('resolve-srv', spec, `${what} must be 0-65535`);
    return Number(text);
  };
  return {
    service: name(service, 'resolve-srv', spec, 'NAME'), name: name(target, 'resolve-srv', spec, 'TARGET'),
    port: port(srvPort, 'resolve-srv', spec, 'PORT'), priority: number(priority, 'PRIORITY'), weight: number(weight, 'WEIGHT'),
  };
}

/** The resolver the flags describe, or undefined when none was given (the transport then uses DNS as is). */
export function resolverFromFlags(values: { resolve?: string[]; 'resolve-srv'?: string[] }): NameResolver | undefined {
  const overrides = (values.resolve ?? []).map(parseResolve);
  const srv = (values['resolve-srv'] ?? []).map(parseResolveSrv);
  return overrides.length || srv.length ? createResolver(overrides, srv) : undefined;
}
