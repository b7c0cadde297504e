// `--metrics-addr HOST:PORT` ("127.0.0.1:9464", "[::1]:0", ":9464" = every interface, said out loud).
import { AgentError, ErrorCodes } from '../errors.ts';

export interface ListenAddress {
  host: string;
  port: number;
}

export function parseListenAddress(text: string, flag = '--metrics-addr'): ListenAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new AgentError(ErrorCodes.Usage, `${flag}: expected HOST:PORT (e.g. 127.0.0.1:9464, [::1]:9464)`);
  const host = m[1] ?? m[2] ?? '';
  return { host: host === '' ? '0.0.0.0' : host, port };
}

/** host:port as a URL authority (IPv6 in brackets). */
export function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
