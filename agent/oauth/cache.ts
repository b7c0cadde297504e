// Tokens outlive a transport: a settings change that keeps the app registration (a new test recipient, a
// new mailbox) replaces the transport, not the sign-in. As MSAL keeps its token cache per application, the
// agent keeps, in memory, each token and the tenant's token endpoint by everything that makes them what they
// are — login host, tenant, client id, scope, and a hash of the secret or certificate — so a rotated
// credential is a new entry (a new token, proving it). Never written anywhere.
import { createHash } from 'node:crypto';
import type { ClientCredentials, Secrets } from '../config/settings.ts';
import type { AccessToken } from '../types/token-source.ts';

export interface CachedToken {
  token: AccessToken;
  refreshAt: number;
}

export interface TokenCache {
  tokens: Map<string, CachedToken>;
  /** Token endpoint by login host and tenant (the openid-configuration read). */
  endpoints: Map<string, string>;
}

const limit = 32;

export function tokenCache(): TokenCache {
  return { tokens: new Map(), endpoints: new Map() };
}

/** The process's cache, shared by every transport. */
export const sharedTokenCache: TokenCache = tokenCache();

export function cacheKey(credentials: ClientCredentials, secrets: Pick<Secrets, 'clientSecret' | 'certificate'>, scope: string): string {
  const proof = createHash('sha256').update(secrets.clientSecret ?? `${secrets.certificate?.certPem ?? ''}\n${secrets.certificate?.keyPem ?? ''}`).digest('hex');
  return JSON.stringify([credentials.authorityHost, credentials.tenant.toLowerCase(), credentials.clientId, scope, proof]);
}

export function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > limit) map.delete(map.keys().next().value as string);
}
