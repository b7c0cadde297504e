// One HTTP request/response on a given connection (an Agent that owns one socket). Headers can be decided
// once the socket is known (`prepare`), which is what connection-based NTLM needs: an authenticated socket
// sends no Authorization header, a fresh one starts the handshake.
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { AgentError, ErrorCodes } from '../errors.ts';
import { abortError, networkError } from './errors.ts';

/** EWS answers to what the agent asks are small; anything this big is not one, on the wire or inflated. */
export const maxResponseBytes = 16 * 1024 * 1024;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpResponse {
  status: number;
  /** Lower-case names, as Node gives them. */
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  socket: Socket;
}

export interface Prepared {
  headers: Record<string, string>;
  body: Buffer;
}

export interface ExchangeRequest {
  url: URL;
  method: HttpMethod;
  agent: http.Agent;
  signal: AbortSignal;
  /** Called with the socket before headers go out. */
  prepare: (socket: Socket) => Prepared;
  onSocket?: (socket: Socket) => void;
}

export function exchange(request: ExchangeRequest): Promise<HttpResponse> {
  const { url, signal } = request;
  const host = url.host;
  return new Promise<HttpResponse>((resolve, reject) => {
    if (signal.aborted) {
      reject(abortError(signal.reason, host));
      return;
    }
    const send = url.protocol === 'https:' ? https.request : http.request;
    const req = send(url, { method: request.method, agent: request.agent });
    let used: Socket | undefined;
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = (): void => {
      finish(() => reject(abortError(signal.reason, host)));
      req.destroy();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    // `on`, not `once`: a destroyed request can emit a second error, which with no listener would crash.
    req.on('error', (err) => finish(() => reject(networkError(err, host))));
    req.once('socket', (socket: Socket) => {
      if (settled) return;
      used = socket;
      request.onSocket?.(socket);
      let prepared: Prepared;
      try {
        prepared = request.prepare(socket);
      } catch (err) {
        // e.g. an NTLM challenge that cannot be answered: the server's fault, not the network's.
        finish(() => reject(err instanceof AgentError ? err
          : new AgentError(ErrorCodes.ProtocolError, `cannot answer ${host}'s authentication challenge`, { cause: err })));
        req.destroy();
        return;
      }
      for (const [name, value] of Object.entries(prepared.headers)) req.setHeader(name, value);
      req.setHeader('Content-Length', String(prepared.body.length));
      req.end(prepared.body);
    });
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= maxResponseBytes) chunks.push(chunk);
        else {
          finish(() => reject(new AgentError(ErrorCodes.ProtocolError, `${host} sent more than ${maxResponseBytes} bytes`)));
          req.destroy();
        }
      });
      res.on('error', (err) => finish(() => reject(networkError(err, host))));
      res.once('aborted', () => finish(() => reject(networkError(new Error('aborted'), host))));
      res.once('end', () => finish(() => {
        try {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: decode(Buffer.concat(chunks), res.headers['content-encoding'], host), socket: used ?? res.socket });
        } catch (err) {
          reject(networkError(err, host));
        }
      }));
    });
  });
}

type Decoder = (body: Buffer, options: { maxOutputLength: number }) => Buffer;
const decoders: Record<string, Decoder> = { gzip: gunzipSync, 'x-gzip': gunzipSync, deflate: inflateSync, br: brotliDecompressSync };

/** Undoes the Content-Encoding, last coding first (RFC 9110 §8.4.1), each capped like the wire: 65 KB of gzip
 *  can inflate to 64 MiB or more. zlib stops at the cap, so no more than it is ever held. */
function decode(body: Buffer, header: string | undefined, host: string): Buffer {
  const codings = (header ?? '').split(',').map((c) => c.trim().toLowerCase()).filter((c) => c !== '' && c !== 'identity');
  let decoded = body;
  for (const coding of codings.reverse()) {
    // The server's own text goes into a message only when it looks like a coding name.
    const named = /^[a-z0-9-]{1,20}$/.test(coding) ? coding : 'unnamed';
    const decoder = decoders[coding];
    if (!decoder) throw new AgentError(ErrorCodes.ProtocolError, `${host} answered in a content encoding the agent cannot read (${named})`);
    try {
      decoded = decoder(decoded, { maxOutputLength: maxResponseBytes });
    } catch (err) {
      const tooLarge = (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
      throw new AgentError(ErrorCodes.ProtocolError, tooLarge
        ? `${host} sent an answer larger than ${maxResponseBytes} bytes once decompressed (${named}); refused`
        : `${host} sent a ${named} answer that does not decompress`, { cause: err });
    }
  }
  return decoded;
}
