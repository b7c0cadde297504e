// Basic and Bearer credentials. Successful Basic headers are cached (bounded) so that a keep-alive client
// sending the same header thousands of times pays for the comparison once.
import { createHash, timingSafeEqual } from 'node:crypto';
import { findAccount, type Account, type Directory } from '../users.ts';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

export function samePassword(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

const CACHE_LIMIT = 256;

export class CredentialChecker {
  readonly #cache = new Map<string, Account>();

  readonly directory: Directory;

  constructor(directory: Directory) {
    this.directory = directory;
  }

  basic(encoded: string): Account | undefined {
    const cached = this.#cache.get(encoded);
    if (cached) return cached;
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const account = findAccount(this.directory, decoded.slice(0, colon));
    if (!account || !samePassword(decoded.slice(colon + 1), account.password)) return undefined;
    if (this.#cache.size >= CACHE_LIMIT) this.#cache.clear();
    this.#cache.set(encoded, account);
    return account;
  }

  bearer(token: string): Account | undefined {
    for (const [known, account] of this.directory.tokens) {
      if (known.length === token.length && samePassword(token, known)) return account;
    }
    return undefined;
  }
}
