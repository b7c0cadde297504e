// Resolving what the settings refer to, after validation and only when asked: secret values from
// their file or variable, the caFile (read to prove it is readable and to digest it), and the submission
// port's user passwords and TLS files. A failure names the reference (the file or variable), never a value.
import type { IssueDraft } from './issue.ts';
import { readReferencedFile } from './referenced-file.ts';
import type { RawSecret, RawSettings } from './raw-settings.ts';
import type { SecretRef, Secrets, Settings, SubmissionSecrets, SubmissionSettings } from './settings.ts';

const maxSecretBytes = 64 * 1024;
const maxCaFileBytes = 1024 * 1024;

export interface Resolved {
  secrets: Secrets;
  /** The caFile's bytes, for the settings digest. */
  caFile?: Buffer;
  issues: IssueDraft[];
}

function unreadable(path: string, code: string, message: string): IssueDraft {
  return { path, keyword: 'readable', code, message };
}

async function resolveSecret(path: string, ref: SecretRef, raw: RawSecret | undefined, env: NodeJS.ProcessEnv): Promise<string | IssueDraft> {
  if ('literal' in ref) return typeof raw === 'string' ? raw : '';
  if ('env' in ref) {
    const value = env[ref.env];
    if (value === undefined) return unreadable(path, 'SecretUnreadable', `environment variable ${ref.env} is not set`);
    if (value === '') return unreadable(path, 'SecretUnreadable', `environment variable ${ref.env} is empty`);
    return value;
  }
  const read = await readReferencedFile(ref.file, maxSecretBytes);
  if (!read.ok) return unreadable(path, 'SecretUnreadable', `secret file ${ref.file} ${read.why}`);
  // One trailing newline is what `echo secret > file` leaves; it is not part of the secret.
  const value = read.bytes.toString('utf8').replace(/\r?\n$/, '');
  if (value === '') return unreadable(path, 'SecretUnreadable', `secret file ${ref.file} is empty`);
  return value;
}

const pemCertificate = { marker: /-----BEGIN CERTIFICATE-----/, what: 'certificate (-----BEGIN CERTIFICATE-----)' };
const pemKey = { marker: /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/, what: 'private key (-----BEGIN PRIVATE KEY-----)' };

/** A PEM file (a caFile, the submission port's certificate or key) that must hold a block of `pem`'s kind. */
async function readPemFile(pointer: string, name: string, file: string, pem: typeof pemCertificate, code: string): Promise<Buffer | IssueDraft> {
  const read = await readReferencedFile(file, maxCaFileBytes);
  if (!read.ok) return unreadable(pointer, code, `${name} ${file} ${read.why}`);
  if (!pem.marker.test(read.bytes.toString('latin1'))) return unreadable(pointer, code, `${name} ${file} holds no PEM ${pem.what}`);
  return read.bytes;
}

function readCaFile(pointer: string, file: string): Promise<Buffer | IssueDraft> {
  return readPemFile(pointer, 'caFile', file, pemCertificate, 'CaFileUnreadable');
}

/** The chosen service's section: its password, token and caFile, with the raw values of literal secrets. */
function serviceRefs(settings: Settings, raw: RawSettings | undefined) {
  if (settings.ews) return { at: '/ews', section: settings.ews, raw: raw?.ews };
  if (settings.smtp) return { at: '/smtp', section: { passwordRef: settings.smtp.passwordRef, caFile: settings.smtp.caFile }, raw: raw?.smtp };
  return undefined;
}

export async function resolveReferences(settings: Settings, raw: RawSettings | undefined, env: NodeJS.ProcessEnv): Promise<Resolved> {
  const result: Resolved = { secrets: {}, issues: [] };
  const service = serviceRefs(settings, raw);
  const [password, token, caFile, submission] = await Promise.all([
    service?.section.passwordRef && resolveSecret(`${service.at}/password`, service.section.passwordRef, service.raw?.password, env),
    service && 'tokenRef' in service.section && service.section.tokenRef
      ? resolveSecret(`${service.at}/token`, service.section.tokenRef, (service.raw as { token?: RawSecret } | undefined)?.token, env) : undefined,
    service?.section.caFile === undefined ? undefined : readCaFile(`${service.at}/caFile`, service.section.caFile),
    settings.submission && resolveSubmission(settings.submission, raw?.submission, env),
  ]);
  for (const [name, value] of [['password', password], ['token', token]] as const) {
    if (typeof value === 'string') result.secrets[name] = value;
    else if (value) result.issues.push(value);
  }
  if (Buffer.isBuffer(caFile)) result.caFile = caFile;
  else if (caFile) result.issues.push(caFile);
  if (submission && 'issues' in submission) result.issues.push(...submission.issues);
  else if (submission) result.secrets.submission = submission;
  return result;
}

async function resolveSubmission(sub: SubmissionSettings, raw: RawSettings['submission'], env: NodeJS.ProcessEnv): Promise<SubmissionSecrets | { issues: IssueDraft[] }> {
  const issues: IssueDraft[] = [];
  const passwords = new Map<string, string>();
  const values = await Promise.all(sub.users.map((u, i) => resolveSecret(`/submission/users/${i}/password`, u.passwordRef, raw?.users?.[i]?.password, env)));
  values.forEach((value, i) => {
    if (typeof value !== 'string') issues.push(value);
    else passwords.set(sub.users[i]!.username, value);
  });
  let tls: SubmissionSecrets['tls'];
  if (sub.tls) {
    const [cert, key] = await Promise.all([
      readPemFile('/submission/tls/certFile', 'certFile', sub.tls.certFile, pemCertificate, 'SecretUnreadable'),
      readPemFile('/submission/tls/keyFile', 'keyFile', sub.tls.keyFile, pemKey, 'SecretUnreadable'),
    ]);
    if (!Buffer.isBuffer(cert)) issues.push(cert);
    if (!Buffer.isBuffer(key)) issues.push(key);
    if (Buffer.isBuffer(cert) && Buffer.isBuffer(key)) tls = { cert, key };
  }
  return issues.length > 0 ? { issues } : { passwords, ...(tls ? { tls } : {}) };
}

/** Files whose change is a change of the settings: secret files, the caFile, the submission port's TLS files. */
export function referencedFiles(settings: Settings): string[] {
  const fileOf = (r: SecretRef | undefined) => (r && 'file' in r ? [r.file] : []);
  const ews = settings.ews;
  const smtp = settings.smtp;
  const sub = settings.submission;
  return [
    ...(ews ? [...fileOf(ews.passwordRef), ...fileOf(ews.tokenRef), ...(ews.caFile === undefined ? [] : [ews.caFile])] : []),
    ...(smtp ? [...fileOf(smtp.passwordRef), ...(smtp.caFile === undefined ? [] : [smtp.caFile])] : []),
    ...(sub ? [...sub.users.flatMap((u) => fileOf(u.passwordRef)), ...(sub.tls ? [sub.tls.certFile, sub.tls.keyFile] : [])] : []),
  ];
}
