// Basic and Bearer credentials. Successful Basic headers are cached (bounded) so that a keep-alive client
// sending the same header thousands of times pays for the comparison once. A bearer token is either a
// static one of the users file (it names an account) or an access token the sandbox's identity platform
// issued (app-only: it names an app, for one audience — Graph, or Exchange Online for EWS and SMTP).
import { OUTLOOK_AUDIENCE, type AccessTokens, type AppAccess, type Resource } from '../identity/access-tokens.ts';
import { sameSecret } from '../../same-secret.ts';
import { findAccount, type Account, type Directory } from '../users.ts';

/** Who a bearer token speaks for; `refused`: a token of the identity platform that is no good here (expired,
 *  for another audience, forged) — the client should get a new one (401 with error="invalid_token"). */
export type BearerCheck =
  | { kind: 'user'; account: Account }
  | { kind: 'app'; access: AppAccess }
  | { kind: 'refused'; why: string }
  | { kind: 'unknown' };

const CACHE_LIMIT = 256;

export class CredentialChecker {
  readonly #cache = new Map<string, Account>();

  readonly directory: Directory;
  readonly tokens: AccessTokens | undefined;

  constructor(directory: Directory, tokens?: AccessTokens) {
    this.directory = directory;
    this.tokens = tokens;
  }

  basic(encoded: string): Account | undefined {
    const cached = this.#cache.get(encoded);
    if (cached) return cached;
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const account = findAccount(this.directory, decoded.slice(0, colon));
    if (!account || !sameSecret(decoded.slice(colon + 1), account.password)) return undefined;
    if (this.#cache.size >= CACHE_LIMIT) this.#cache.clear();
    this.#cache.set(encoded, account);
    return account;
  }

  /** The static tokens of the users file, then the identity platform's tokens for `audience` (EWS and SMTP:
   *  Exchange Online's; Graph: Graph's). */
  async bearer(token: string, audience: Resource = OUTLOOK_AUDIENCE): Promise<BearerCheck> {
    for (const [known, account] of this.directory.tokens) {
      if (known.length === token.length && sameSecret(token, known)) return { kind: 'user', account };
    }
    if (!this.tokens || token.split('.').length !== 3) return { kind: 'unknown' };
    const checked = await this.tokens.check(token, audience);
    if (checked.ok) return { kind: 'app', access: checked.access };
    return { kind: 'refused', why: checked.why };
  }
}
