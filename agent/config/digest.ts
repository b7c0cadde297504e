// The two digests of design §1. The revision is what `sha256sum` prints for the file; the settings
// digest covers the normalized settings (so comments and formatting do not count) plus a hash of each
// secret and of the caFile (so a rotated password or CA is a change of the settings). The settings digest
// is published (status file, test messages), so it is an HMAC-SHA256 under the install's digest key
// (agent/state/digest-key.ts): unkeyed, it would let anyone holding the settings check password guesses.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Secrets, Settings } from './settings.ts';

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function revisionOf(bytes: Buffer): string {
  return `sha256:${sha256Hex(bytes)}`;
}

/** JSON with object keys sorted at every level, so equal settings give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The key used when the caller has none (validate, a `test` without a state dir): this process's own. */
export const processDigestKey: Uint8Array = randomBytes(32);

/** `sha256:` and the hex HMAC-SHA256 (the format of design §2 kept) of the settings and secret hashes. */
export function settingsDigestOf(settings: Settings, secrets: Secrets, caFile: Buffer | undefined, key: Uint8Array): string {
  const hashes = {
    password: secrets.password === undefined ? undefined : sha256Hex(secrets.password),
    token: secrets.token === undefined ? undefined : sha256Hex(secrets.token),
    caFile: caFile === undefined ? undefined : sha256Hex(caFile),
  };
  return `sha256:${createHmac('sha256', key).update(canonicalJson({ settings, hashes })).digest('hex')}`;
}
