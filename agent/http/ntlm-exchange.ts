// Connection-based NTLM, as IIS/Exchange and exchangelib do it: NEGOTIATE → 401 CHALLENGE → AUTHENTICATE
// on ONE socket, after which that socket is authenticated and later requests on it carry no Authorization
// header. A new socket (the server closed the old one) is authenticated again, once.
//
// A server that offers only `Negotiate` gets NTLM inside SPNEGO (RFC 4559 / RFC 4178, with the
// mechListMIC Windows requires when NTLM carries a MIC); one whose Negotiate refuses NTLM (Kerberos only)
// gets a clear reason, not "wrong password". Every AUTHENTICATE carries the channel binding of the TLS
// connection (MsvAvChannelBindings, for Extended Protection) and `HTTP/<host>` (MsvAvTargetName).
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { certificateBindings, NO_CHANNEL_BINDINGS } from '../ntlm/channel-bindings.ts';
import { authenticate, type1Message } from '../ntlm/client.ts';
import { DerError } from '../der.ts';
import { messageSignature } from '../ntlm/signing.ts';
import { decodeNegotiationToken, encodeNegTokenInit, encodeNegTokenResp, isRawNtlm, mechTypeList, NegState, Oids } from '../ntlm/spnego.ts';
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

/** The label NTLM goes under for one origin, learned from its 401s (NTLM unless only Negotiate is offered). */
export interface WindowsScheme {
  scheme: 'NTLM' | 'Negotiate';
}

type NtlmAuth = Extract<HttpAuth, { kind: 'ntlm' }>;
const empty = Buffer.alloc(0);
const NTLM_ONLY = [Oids.ntlm];

export async function ntlmExchange(connection: Connection, auth: NtlmAuth, request: NtlmRequest, label: WindowsScheme = { scheme: 'NTLM' }, switched = false): Promise<HttpResponse> {
  const scheme = label.scheme;
  let handshakeSocket: Socket | undefined;
  const type1 = type1Message();
  const first = await exchange({
    url: request.url, method: request.method, agent: connection.agent, signal: request.signal, onSocket: request.onSocket,
    prepare: (socket) => {
      if (connection.authenticated === socket && !socket.destroyed) return { headers: request.headers, body: request.body };
      handshakeSocket = socket;
      const token = scheme === 'NTLM' ? type1 : encodeNegTokenInit(NTLM_ONLY, type1);
      return { headers: { ...request.headers, Authorization: `${scheme} ${token.toString('base64')}` }, body: empty };
    },
  });
  if (handshakeSocket === undefined) {
    if (first.status !== 401) return first;
    // The server forgot this socket's authentication: start over on it, once.
    connection.authenticated = undefined;
    return ntlmExchange(connection, auth, request, label, switched);
  }
  if (first.status !== 401) return first;
  const offers = offered(first);
  const token = offers.get(scheme);
  if (!token) {
    if (scheme === 'NTLM' && !offers.has('NTLM') && offers.has('Negotiate') && !switched) {
      label.scheme = 'Negotiate';
      return ntlmExchange(connection, auth, request, label, true);
    }
    if (scheme === 'Negotiate') throw kerberosOnly(request.url.host, 'answered the NTLM token with no challenge');
    return first; // no NTLM offered: the caller sees the 401
  }
  const challenge = scheme === 'NTLM' ? token : challengeInside(token, request.url.host);
  const spnego = scheme === 'Negotiate' && !isRawNtlm(token);
  request.onHandshake();
  let serverMic: { key: Buffer } | undefined;
  const second = await exchange({
    url: request.url, method: request.method, agent: connection.agent, signal: request.signal, onSocket: request.onSocket,
    prepare: (socket) => {
      if (socket !== handshakeSocket) {
        throw new AgentError(ErrorCodes.ConnectionFailed, `${request.url.host} closed the connection during the NTLM handshake`, { transient: true });
      }
      const done = authenticate(challenge, { username: auth.username, domain: auth.domain, password: auth.password }, {
        type1, channelBindings: bindingsOf(socket), targetName: `HTTP/${request.url.hostname.replace(/^\[(.*)\]$/, '$1')}`,
      });
      let out = done.message;
      if (spnego) {
        const mechListMIC = done.withMic ? messageSignature(done.exportedSessionKey, 'client', mechTypeList(NTLM_ONLY), false) : undefined;
        out = encodeNegTokenResp({ responseToken: done.message, ...(mechListMIC ? { mechListMIC } : {}) });
        if (done.withMic) serverMic = { key: done.exportedSessionKey };
      }
      return { headers: { ...request.headers, Authorization: `${scheme} ${out.toString('base64')}` }, body: request.body };
    },
  });
  if (second.status === 401) return second;
  if (serverMic) checkServerMic(second, serverMic.key, request.url.host);
  connection.authenticated = second.socket;
  return second;
}

/** The schemes a 401 offers, with their token when one came (Node joins repeated headers with ", "). */
function offered(response: HttpResponse): Map<'NTLM' | 'Negotiate', Buffer | undefined> {
  const header = response.headers['www-authenticate'] ?? '';
  const offers = new Map<'NTLM' | 'Negotiate', Buffer | undefined>();
  for (const match of header.matchAll(/(?:^|,)\s*(NTLM|Negotiate)(?:\s+([A-Za-z0-9+/=]+))?\s*(?=,|$)/gi)) {
    const name = (match[1] ?? '').toLowerCase() === 'ntlm' ? 'NTLM' : 'Negotiate';
    offers.set(name, match[2] ? Buffer.from(match[2], 'base64') : offers.get(name));
  }
  return offers;
}

/** The NTLM CHALLENGE inside a Negotiate answer: raw (as Windows may answer a raw token) or in a NegTokenResp. */
function challengeInside(token: Buffer, host: string): Buffer {
  if (isRawNtlm(token)) return token;
  let decoded;
  try {
    decoded = decodeNegotiationToken(token);
  } catch (error) {
    if (error instanceof DerError) throw new AgentError(ErrorCodes.ProtocolError, `${host} sent a Negotiate token that is not SPNEGO (${error.message})`);
    throw error;
  }
  if (!('resp' in decoded)) throw new AgentError(ErrorCodes.ProtocolError, `${host} answered SPNEGO with a NegTokenInit`);
  const { negState, supportedMech, responseToken } = decoded.resp;
  if (negState === NegState.reject) throw kerberosOnly(host, 'rejected NTLM (SPNEGO negState reject)');
  if (supportedMech !== undefined && supportedMech !== Oids.ntlm) throw kerberosOnly(host, `chose mechanism ${supportedMech}, not NTLM`);
  if (!responseToken || !isRawNtlm(responseToken)) throw new AgentError(ErrorCodes.ProtocolError, `${host}'s SPNEGO answer holds no NTLM challenge`);
  return responseToken;
}

function kerberosOnly(host: string, what: string): AgentError {
  return new AgentError(ErrorCodes.AuthFailed, `${host} offers only Negotiate and ${what}: it accepts Kerberos only, which the agent does not speak. ` +
    'Enable NTLM on the EWS virtual directory (the NTLM or Negotiate provider), or use auth: basic or oauth');
}

/** MsvAvChannelBindings for this socket: the TLS server certificate's tls-server-end-point, zeros over plain HTTP. */
function bindingsOf(socket: Socket): Buffer {
  const peer = 'getPeerCertificate' in socket ? (socket as TLSSocket).getPeerCertificate(false) : undefined;
  return peer?.raw ? certificateBindings(peer.raw) : NO_CHANNEL_BINDINGS;
}

/** The server's final SPNEGO token, when it has a mechListMIC, must verify: it proves the server holds the session key. */
function checkServerMic(response: HttpResponse, key: Buffer, host: string): void {
  const token = offered(response).get('Negotiate');
  if (!token) return;
  let decoded;
  try {
    decoded = decodeNegotiationToken(token);
  } catch {
    return;
  }
  const mic = 'resp' in decoded ? decoded.resp.mechListMIC : undefined;
  if (mic && !mic.equals(messageSignature(key, 'server', mechTypeList(NTLM_ONLY), false))) {
    throw new AgentError(ErrorCodes.AuthFailed, `${host}'s SPNEGO mechListMIC does not verify: the server did not prove the NTLM session key`);
  }
}
