// The HTTP client the EWS transport (and its autodiscover) talks through: bounded keep-alive connections per
// origin, the configured TLS trust, a DNS override for tests, and Basic / Bearer / connection-based NTLM.
// Every failure is an AgentError; the response status is the caller's to judge.
import type http from 'node:http';
import type { SecureContext } from 'node:tls';
import type { Socket } from 'node:net';
import { AgentError, ErrorCodes } from '../errors.ts';
import { authorizationHeader, type HttpAuth } from './auth.ts';
import { exchange, type HttpResponse } from './exchange.ts';
import { ntlmExchange, type WindowsScheme } from './ntlm-exchange.ts';
import { ConnectionPool } from './pool.ts';
import type { NameResolver } from './resolver.ts';

export interface HttpClientOptions {
  auth: HttpAuth;
  rejectUnauthorized: boolean;
  /** TLS trust shared by every socket (default: Node's root certificates). */
  secureContext?: SecureContext;
  lookup?: http.AgentOptions['lookup'];
  /** Host:port overrides (--resolve); the transport's SRV lookups go through it too. */
  resolver?: NameResolver;
  /** Sockets per origin. */
  maxConnections?: number;
}

export interface HttpStats {
  socketsOpened: number;
  ntlmHandshakes: number;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: URL;
  headers: Record<string, string>;
  body: Buffer;
  signal: AbortSignal;
  /** false: send no credentials at all (Autodiscover's probe of a plain-HTTP redirect). */
  credentials?: false;
}

export class HttpClient {
  readonly stats: HttpStats = { socketsOpened: 0, ntlmHandshakes: 0 };
  private readonly pools = new Map<string, ConnectionPool>();
  /** NTLM's label per origin: Negotiate once a server showed it offers only that. */
  private readonly windowsSchemes = new Map<string, WindowsScheme>();
  private readonly seen = new WeakSet<Socket>();
  private closed = false;

  private readonly options: HttpClientOptions;

  constructor(options: HttpClientOptions) {
    this.options = options;
  }

  /** Requests that can run at once against one origin (more wait for a connection). */
  get maxConnectionsPerOrigin(): number {
    return this.options.maxConnections ?? 2;
  }

  async request(request: HttpRequest): Promise<HttpResponse> {
    if (this.closed) throw new AgentError(ErrorCodes.ConnectionFailed, 'the transport is closed');
    const pool = this.poolFor(request.url);
    const connection = await pool.acquire(request.signal);
    try {
      const auth = this.options.auth;
      if (request.credentials === false) {
        return await exchange({
          url: request.url, method: request.method, agent: connection.agent, signal: request.signal,
          onSocket: this.countSocket, prepare: () => ({ headers: request.headers, body: request.body }),
        });
      }
      if (auth.kind === 'ntlm') {
        let label = this.windowsSchemes.get(request.url.origin);
        if (!label) this.windowsSchemes.set(request.url.origin, label = { scheme: 'NTLM' });
        return await ntlmExchange(connection, auth, {
          ...request, onSocket: this.countSocket, onHandshake: () => { this.stats.ntlmHandshakes += 1; },
        }, label);
      }
      const headers = { ...request.headers, Authorization: authorizationHeader(auth) ?? '' };
      return await exchange({
        url: request.url, method: request.method, agent: connection.agent, signal: request.signal,
        onSocket: this.countSocket, prepare: () => ({ headers, body: request.body }),
      });
    } finally {
      pool.release(connection);
    }
  }

  /** Destroys every socket; later requests fail. */
  close(): void {
    this.closed = true;
    for (const pool of this.pools.values()) pool.close();
    this.pools.clear();
  }

  private readonly countSocket = (socket: Socket): void => {
    if (this.seen.has(socket)) return;
    this.seen.add(socket);
    this.stats.socketsOpened += 1;
  };

  private poolFor(url: URL): ConnectionPool {
    const origin = url.origin;
    let pool = this.pools.get(origin);
    if (!pool) {
      const https = url.protocol === 'https:';
      const connectTo = this.options.resolver?.connectTo(url.hostname.replace(/^\[(.*)\]$/, '$1'), Number(url.port || (https ? 443 : 80)));
      pool = new ConnectionPool({
        https, rejectUnauthorized: this.options.rejectUnauthorized,
        secureContext: this.options.secureContext, lookup: this.options.lookup, ...(connectTo ? { connectTo } : {}),
      }, this.maxConnectionsPerOrigin, url.host);
      this.pools.set(origin, pool);
    }
    return pool;
  }
}
