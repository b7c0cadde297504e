// The credentials an HTTP client presents. Basic and Bearer go on every request; NTLM authenticates a
// connection once (see ntlm-exchange.ts); OAuth asks a token source for each request (token-exchange.ts).
import type { TokenSource } from '../types/token-source.ts';

export type HttpAuth =
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'bearer'; token: string }
  | { kind: 'ntlm'; username: string; domain: string; password: string }
  /** Tokens from a source (app-only OAuth), refreshed on a 401 that says the token is invalid; `headers` go
   *  along with each (EWS: X-AnchorMailbox). */
  | { kind: 'oauth'; source: TokenSource; headers?: Readonly<Record<string, string>> }
  | { kind: 'none' };

/** The Authorization header for per-request schemes; undefined for NTLM. */
export function authorizationHeader(auth: HttpAuth): string | undefined {
  if (auth.kind === 'basic') return `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`;
  if (auth.kind === 'bearer') return `Bearer ${auth.token}`;
  return undefined;
}

/** `DOMAIN\user` → { domain, username }; `user@domain` is a UPN and stays whole with an empty domain. */
export function splitAccount(account: string): { domain: string; username: string } {
  const slash = account.indexOf('\\');
  if (slash < 0) return { domain: '', username: account };
  return { domain: account.slice(0, slash), username: account.slice(slash + 1) };
}
