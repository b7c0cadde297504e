// The HTTP client the EWS and Graph transports (and autodiscover, and the token requests) talk through: bounded
// keep-alive connections per origin, the configured TLS trust, host overrides for tests (--resolve), and
// Basic / Bearer / connection-based NTLM (or NTLM in SPNEGO) / OAuth tokens from a source.
// Every failure is an AgentError; the response status is the caller's to judge.
import type http from 'node:http';
import type { SecureContext } from 'node:tls';
import type { Socket } from 'node:net';
import { AgentError, ErrorCodes } from '../errors.ts';
import { authorizationHeader, type HttpAuth } from './auth.ts';
import { exchange, type HttpMethod, type HttpResponse } from './exchange.ts';
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
  method: HttpMethod;
  url: URL;
  headers: Record<string, string>;
  body: Buffer;
  signal: AbortSignal;
  /** Send no credentials (a token request; Graph's upload URL, which carries its own; Autodiscover's probe of
   *  a plain-HTTP redirect). */
  anonymous?: boolean;
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
    const auth = this.options.auth;
    if (auth.kind === 'oauth' && !request.anonymous) {
      // The token is fetched before a connection is taken: the login host may be this same origin.
      const first = await auth.source.token(request.signal);
      const response = await this.send(request, { ...auth.headers, Authorization: `Bearer ${first.value}` });
      if (!tokenRefused(response)) return response;
      // Expired or revoked before its time: a new token, once.
      auth.source.invalidate(first.value);
      const second = await auth.source.token(request.signal);
      return await this.send(request, { ...auth.headers, Authorization: `Bearer ${second.value}` });
    }
    const header = request.anonymous ? undefined : authorizationHeader(auth);
    return this.send(request, header === undefined ? {} : { Authorization: header });
  }

  private async send(request: HttpRequest, extra: Record<string, string>): Promise<HttpResponse> {
    if (this.closed) throw new AgentError(ErrorCodes.ConnectionFailed, 'the transport is closed');
    const pool = this.poolFor(request.url);
    const connection = await pool.acquire(request.signal);
    try {
      const auth = this.options.auth;
      if (auth.kind === 'ntlm' && !request.anonymous) {
        let label = this.windowsSchemes.get(request.url.origin);
        if (!label) this.windowsSchemes.set(request.url.origin, label = { scheme: 'NTLM' });
        return await ntlmExchange(connection, auth, {
          ...request, onSocket: this.countSocket, onHandshake: () => { this.stats.ntlmHandshakes += 1; },
        }, label);
      }
      const headers = { ...request.headers, ...extra };
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

/** A 401 that says the bearer token itself is the problem (expired, revoked, for another audience): EWS
 *  says so in WWW-Authenticate (error="invalid_token"), Graph in its error body (InvalidAuthenticationToken). */
function tokenRefused(response: HttpResponse): boolean {
  if (response.status !== 401) return false;
  const challenge = response.headers['www-authenticate'];
  if ((Array.isArray(challenge) ? challenge.join(', ') : challenge ?? '').includes('invalid_token')) return true;
  return response.body.length < 65536 && response.body.includes('InvalidAuthenticationToken');
}
