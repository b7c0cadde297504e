// The digests of the settings (README "Revision and settings digest"; the file's revision is
// config/revision.ts). The settings digest covers the normalized settings (so comments and formatting do
// not count) plus a hash of each secret and of the caFile (so a rotated password or CA is a change of the settings). The settings digest
// is published (status file, test messages), so it is an HMAC-SHA256 under the install's digest key
// (agent/state/digest-key.ts): unkeyed, it would let anyone holding the settings check password guesses.
// The test digest leaves the credentials' values out: what a test message proves does not change when only
// they do. The submission port's section has a digest of its own: a change to it restarts the port, not the
// transport (no test message).
import { createHmac, randomBytes } from 'node:crypto';
import { sha256Hex } from './revision.ts';
import type { Secrets, Settings, SubmissionSecrets, SubmissionSettings } from './settings.ts';

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

const hashOf = (value: string | Buffer | undefined): string | undefined => (value === undefined ? undefined : sha256Hex(value));

/** `sha256:` and the hex HMAC-SHA256 (the format the status file publishes, docs/agent.md "The settings digest") of the settings and secret hashes. */
export function settingsDigestOf(withSubmission: Settings, secrets: Secrets, caFile: Buffer | undefined, key: Uint8Array): string {
  const { submission: _listener, ...settings } = withSubmission;
  const hashes = {
    password: hashOf(secrets.password),
    token: hashOf(secrets.token),
    clientSecret: hashOf(secrets.clientSecret),
    certificate: hashOf(secrets.certificate && `${secrets.certificate.certPem}\n${secrets.certificate.keyPem}`),
    caFile: hashOf(caFile),
  };
  return `sha256:${createHmac('sha256', key).update(canonicalJson({ settings, hashes })).digest('hex')}`;
}

/** Keyed like the settings digest: it covers the port's passwords. */
export function submissionDigestOf(submission: SubmissionSettings, secrets: SubmissionSecrets | undefined, key: Uint8Array): string {
  const hashes = {
    passwords: [...(secrets?.passwords ?? new Map<string, string>())].map(([user, password]) => [user, sha256Hex(password)]),
    cert: secrets?.tls ? sha256Hex(secrets.tls.cert) : undefined,
    key: secrets?.tls ? sha256Hex(secrets.tls.key) : undefined,
  };
  return `sha256:${createHmac('sha256', key).update(canonicalJson({ submission, hashes })).digest('hex')}`;
}

/**
 * What a test message proves: where and how notifications go (the settings, the caFile), not the value of a
 * credential. A rotated password, client secret or certificate changes the settings digest (the transport is
 * verified again, with a new token) but not this one, so it sends no second test message.
 */
export function testDigestOf(withSubmission: Settings, caFile: Buffer | undefined): string {
  const { submission: _listener, ...settings } = withSubmission;
  return `sha256:${sha256Hex(canonicalJson({ settings, hashes: { caFile: hashOf(caFile) } }))}`;
}
