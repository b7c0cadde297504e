// The token source for a credential block and a scope: what a transport creates when it signs in as an app.
import type { ClientCredentials, Secrets } from '../config/settings.ts';
import type { HttpClient } from '../http/client.ts';
import { ClientCredentialsTokenSource } from './client-credentials.ts';
import type { TokenSource } from '../types/token-source.ts';

export type { AccessToken, TokenSource } from '../types/token-source.ts';
export { graphScope, outlookScope } from '../config/clouds.ts';

export function createTokenSource(credentials: ClientCredentials, secrets: Secrets, scope: string, http: HttpClient, timeoutMs?: number): TokenSource {
  return new ClientCredentialsTokenSource({ credentials, secrets, scope, http, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
}
