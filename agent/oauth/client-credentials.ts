// OAuth 2.0 client credentials against the identity platform's v2.0 endpoint (RFC 6749 §4.4, with the
// assertion of RFC 7523 for a certificate): one token per scope, held in memory (shared by token sources of the
// same app and credential: cache.ts) and handed out until shortly before it expires (five minutes, or half its
// life if shorter), then fetched again — one request however many callers wait. A refresh that fails while the old token is still good keeps the old one; the error
// shows once nothing valid is left. Nothing here is written to disk or logged.
import { AgentError, ErrorCodes } from '../errors.ts';
import type { HttpClient } from '../http/client.ts';
import { deadline } from '../deadline.ts';
import type { ClientCredentials, Secrets } from '../config/settings.ts';
import { assertionSigner, type AssertionSigner } from './assertion.ts';
import { cacheKey, remember, sharedTokenCache, type TokenCache } from './cache.ts';
import { discover, type OpenIdConfiguration } from './discovery.ts';
import { identityError, type IdentityContext } from './identity-errors.ts';
import type { AccessToken, TokenSource } from '../types/token-source.ts';

export interface TokenSourceOptions {
  credentials: ClientCredentials;
  secrets: Pick<Secrets, 'clientSecret' | 'certificate'>;
  /** e.g. https://graph.microsoft.com/.default */
  scope: string;
  /** The client the requests go through (anonymous requests: the credentials are in the form). */
  http: HttpClient;
  timeoutMs?: number;
  now?: () => number;
  /** Where tokens and token endpoints are kept across token sources (default: the process's). */
  cache?: TokenCache;
}

const maxMarginMs = 5 * 60_000;
/** A kept token must still have this long to live to stand in for one that could not be refreshed. */
const stillGoodMs = 30_000;

export class ClientCredentialsTokenSource implements TokenSource {
  private held: AccessToken | undefined;
  private refreshAt = 0;
  private pending: Promise<AccessToken> | undefined;
  private configuration: Promise<OpenIdConfiguration> | undefined;
  private readonly signer: AssertionSigner | undefined;
  private readonly o: TokenSourceOptions;
  private readonly now: () => number;
  private readonly cache: TokenCache;
  private readonly key: string;

  constructor(options: TokenSourceOptions) {
    this.o = options;
    this.now = options.now ?? Date.now;
    this.cache = options.cache ?? sharedTokenCache;
    this.key = cacheKey(options.credentials, options.secrets, options.scope);
    const cached = this.cache.tokens.get(this.key);
    if (cached) {
      this.held = cached.token;
      this.refreshAt = cached.refreshAt;
    }
    if (options.credentials.credential.kind === 'certificate') {
      if (!options.secrets.certificate) throw new AgentError(ErrorCodes.SecretUnreadable, 'the client certificate was not loaded');
      this.signer = assertionSigner(options.secrets.certificate);
    } else if (!options.secrets.clientSecret) {
      throw new AgentError(ErrorCodes.SecretUnreadable, 'the client secret was not loaded');
    }
  }

  /** https://HOST/TENANT: where discovery and the token endpoint live. */
  get authority(): string {
    return `https://${this.o.credentials.authorityHost}/${encodeURIComponent(this.o.credentials.tenant)}`;
  }

  expiresAt(): Date | undefined {
    return this.held?.expiresAt;
  }

  token(signal?: AbortSignal): Promise<AccessToken> {
    const held = this.held;
    if (held && this.now() < this.refreshAt) return Promise.resolve(held);
    if (!this.pending) {
      const fetching = this.fetch(signal).then((token) => {
        this.held = token;
        const life = token.expiresAt.getTime() - this.now();
        this.refreshAt = token.expiresAt.getTime() - Math.min(maxMarginMs, life / 2);
        remember(this.cache.tokens, this.key, { token, refreshAt: this.refreshAt });
        return token;
      }, (err: unknown) => {
        const kept = this.held;
        if (kept && kept.expiresAt.getTime() - this.now() > stillGoodMs) return kept;
        throw err;
      }).finally(() => { if (this.pending === fetching) this.pending = undefined; });
      this.pending = fetching;
    }
    return this.pending;
  }

  invalidate(value: string): void {
    if (this.held?.value === value) {
      this.held = undefined;
      this.refreshAt = 0;
    }
    if (this.cache.tokens.get(this.key)?.token.value === value) this.cache.tokens.delete(this.key);
  }

  private context(): IdentityContext {
    const { tenant, clientId } = this.o.credentials;
    return { tenant, clientId, authority: this.authority, now: this.now(),
      ...(this.signer ? { certificate: { thumbprintSha256: this.signer.thumbprintSha256, notAfter: this.signer.notAfter } } : {}) };
  }

  private async tokenEndpoint(timeoutMs: number, signal?: AbortSignal): Promise<string> {
    const where = this.authority;
    const known = this.cache.endpoints.get(where);
    if (known) return known;
    this.configuration ??= discover(this.o.http, this.context(), timeoutMs, signal);
    try {
      const endpoint = (await this.configuration).tokenEndpoint;
      remember(this.cache.endpoints, where, endpoint);
      return endpoint;
    } catch (err) {
      this.configuration = undefined;
      throw err;
    }
  }

  private async fetch(signal?: AbortSignal): Promise<AccessToken> {
    const timeoutMs = this.o.timeoutMs ?? 30_000;
    const endpoint = await this.tokenEndpoint(timeoutMs, signal);
    const form = new URLSearchParams({ client_id: this.o.credentials.clientId, scope: this.o.scope, grant_type: 'client_credentials' });
    if (this.signer) {
      form.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      form.set('client_assertion', this.signer.sign(endpoint, this.o.credentials.clientId, this.now()));
    } else {
      form.set('client_secret', this.o.secrets.clientSecret ?? '');
    }
    const bound = deadline(timeoutMs, signal);
    let response;
    try {
      response = await this.o.http.request({
        method: 'POST', url: new URL(endpoint), anonymous: true, signal: bound.signal, body: Buffer.from(form.toString(), 'utf8'),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      });
    } finally {
      bound.dispose();
    }
    if (response.status !== 200) throw identityError(response, this.context(), 'token request');
    return this.tokenOf(response.body, new URL(endpoint).host);
  }

  private tokenOf(body: Buffer, host: string): AccessToken {
    let answer: Record<string, unknown>;
    try {
      answer = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new AgentError(ErrorCodes.ProtocolError, `${host} answered the token request with no JSON`, { transient: true });
    }
    const value = answer.access_token;
    const expiresIn = typeof answer.expires_in === 'string' ? Number(answer.expires_in) : answer.expires_in;
    if (typeof value !== 'string' || value === '' || String(answer.token_type).toLowerCase() !== 'bearer'
      || typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn <= 0) {
      throw new AgentError(ErrorCodes.ProtocolError, `${host} answered the token request without a bearer token and its lifetime`, { transient: true });
    }
    return { value, expiresAt: new Date(this.now() + expiresIn * 1000) };
  }
}
