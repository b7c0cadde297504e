// Connection-based NTLM, as IIS/Exchange and exchangelib do it: Type1 → 401 Type2 → Type3 on ONE socket,
// after which that socket is authenticated and later requests on it carry no Authorization header. A new
// socket (the server closed the old one) is authenticated again, once.
import type { Socket } from 'node:net';
import { createType1, createType3 } from '../ntlm/client.ts';
import { AgentError, ErrorCodes } from '../errors.ts';
import type { HttpAuth } from './auth.ts';
import { exchange, type HttpMethod, type HttpResponse } from './exchange.ts';
import type { Connection } from './pool.ts';

export interface NtlmRequest {
  url: URL;
  method: HttpMethod;
  headers: Record<string, string>;
  body: Buffer;
  signal: AbortSignal;
  onSocket: (socket: Socket) => void;
  onHandshake: () => void;
}

type NtlmAuth = Extract<HttpAuth, { kind: 'ntlm' }>;
const empty = Buffer.alloc(0);

export async function ntlmExchange(connection: Connection, auth: NtlmAuth, request: NtlmRequest): Promise<HttpResponse> {
  let handshakeSocket: Socket | undefined;
  const first = await exchange({
    url: request.url, method: request.method, agent: connection.agent, signal: request.signal, onSocket: request.onSocket,
    prepare: (socket) => {
      if (connection.authenticated === socket && !socket.destroyed) return { headers: request.headers, body: request.body };
      handshakeSocket = socket;
      return { headers: { ...request.headers, Authorization: `NTLM ${createType1()}` }, body: empty };
    },
  });
  if (handshakeSocket === undefined) {
    if (first.status !== 401) return first;
    // The server forgot this socket's authentication: start over on it, once.
    connection.authenticated = undefined;
    return ntlmExchange(connection, auth, request);
  }
  const type2 = challengeOf(first);
  if (type2 === undefined) return first; // no NTLM offered: the caller sees the 401
  request.onHandshake();
  const second = await exchange({
    url: request.url, method: request.method, agent: connection.agent, signal: request.signal, onSocket: request.onSocket,
    prepare: (socket) => {
      if (socket !== handshakeSocket) {
        throw new AgentError(ErrorCodes.ConnectionFailed, `${request.url.host} closed the connection during the NTLM handshake`, { transient: true });
      }
      const type3 = createType3(type2, { username: auth.username, domain: auth.domain, password: auth.password });
      return { headers: { ...request.headers, Authorization: `NTLM ${type3}` }, body: request.body };
    },
  });
  if (second.status !== 401) connection.authenticated = second.socket;
  return second;
}

function challengeOf(response: HttpResponse): string | undefined {
  if (response.status !== 401) return undefined;
  // Node joins repeated WWW-Authenticate headers with ", ".
  const header = response.headers['www-authenticate'] ?? '';
  return /(?:^|,\s*)NTLM\s+([A-Za-z0-9+/=]+)/.exec(header)?.[1];
}
