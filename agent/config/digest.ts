// The two digests of design §1. The revision is what `sha256sum` prints for the file; the settings
// digest covers the normalized settings (so comments and formatting do not count) plus a hash of each
// secret and of the caFile (so a rotated password or CA is a change of the settings). The test digest leaves
// the credentials' values out: what a test message proves does not change when only they do.
import { createHash } from 'node:crypto';
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

const hashOf = (value: string | Buffer | undefined): string | undefined => (value === undefined ? undefined : sha256Hex(value));

export function settingsDigestOf(settings: Settings, secrets: Secrets, caFile: Buffer | undefined): string {
  const hashes = {
    password: hashOf(secrets.password),
    token: hashOf(secrets.token),
    clientSecret: hashOf(secrets.clientSecret),
    certificate: hashOf(secrets.certificate && `${secrets.certificate.certPem}\n${secrets.certificate.keyPem}`),
    caFile: hashOf(caFile),
  };
  return `sha256:${sha256Hex(canonicalJson({ settings, hashes }))}`;
}

/**
 * What a test message proves: where and how notifications go (the settings, the caFile), not the value of a
 * credential. A rotated password, client secret or certificate changes the settings digest (the transport is
 * verified again, with a new token) but not this one, so it sends no second test message.
 */
export function testDigestOf(settings: Settings, caFile: Buffer | undefined): string {
  return `sha256:${sha256Hex(canonicalJson({ settings, hashes: { caFile: hashOf(caFile) } }))}`;
}
