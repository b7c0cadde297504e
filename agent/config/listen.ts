// `HOST:PORT` as the submission port's `listen` writes it, and which hosts are loopback: the port may run
// without TLS and AUTH only there, and `smtp.security: none` is allowed only towards one.
import { isIP } from 'node:net';

export interface ListenAddress {
  /** Without brackets: 127.0.0.1, ::1, localhost. */
  host: string;
  port: number;
}

/** Splits a `listen` value the schema's pattern already accepted; an IPv6 host loses its brackets. */
export function splitListen(listen: string): ListenAddress {
  const colon = listen.lastIndexOf(':');
  const host = listen.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  return { host, port: Number(listen.slice(colon + 1)) };
}

/** An address the port can bind: an IP address or `localhost` (a name would depend on DNS at start). */
export function isBindableHost(host: string): boolean {
  return isIP(host) !== 0 || host.toLowerCase() === 'localhost';
}

/** 127.0.0.0/8, ::1 (also as ::ffff:127.x), `localhost`. 0.0.0.0 and :: are every address, not loopback. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice('::ffff:'.length) : h;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/** `HOST:PORT` for logs and status, IPv6 in brackets. */
export function formatAddress(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}
