// Resolving what the settings refer to, after validation and only when asked: secret values from
// their file or variable, the client certificate and its key, the caFile (read to prove it is readable and
// to digest it), and the submission port's user passwords and TLS files. A failure names the reference (the
// file or variable), never a value.
import type { IssueDraft } from './issue.ts';
import { readReferencedFile } from './referenced-file.ts';
import type { RawClientCredentials, RawSecret, RawSettings } from './raw-settings.ts';
import type { CertificateSecret, ClientCredentials, SecretRef, Secrets, Settings, SubmissionSecrets, SubmissionSettings } from './settings.ts';

const maxSecretBytes = 64 * 1024;
const maxCaFileBytes = 1024 * 1024;
const maxCertificateBytes = 1024 * 1024;

export interface Resolved {
  secrets: Secrets;
  /** The caFile's bytes, for the settings digest. */
  caFile?: Buffer;
  issues: IssueDraft[];
}

function unreadable(path: string, code: string, message: string): IssueDraft {
  return { path, keyword: 'readable', code, message };
}

function isIssue(value: unknown): value is IssueDraft {
  return typeof value === 'object' && value !== null && 'code' in value && 'keyword' in value;
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

/** The certificate file, its keyFile and password, read and checked together. */
async function resolveCertificate(path: string, credential: Extract<ClientCredentials['credential'], { kind: 'certificate' }>,
  raw: RawClientCredentials['certificate'], env: NodeJS.ProcessEnv): Promise<CertificateSecret | IssueDraft> {
  const [file, keyFile, password] = await Promise.all([
    readReferencedFile(credential.file, maxCertificateBytes),
    credential.keyFile === undefined ? undefined : readReferencedFile(credential.keyFile, maxSecretBytes),
    credential.passwordRef && resolveSecret(`${path}/password`, credential.passwordRef, raw?.password, env),
  ]);
  if (!file.ok) return unreadable(`${path}/file`, 'SecretUnreadable', `certificate file ${credential.file} ${file.why}`);
  if (keyFile && !keyFile.ok) return unreadable(`${path}/keyFile`, 'SecretUnreadable', `key file ${credential.keyFile ?? ''} ${keyFile.why}`);
  if (isIssue(password)) return password;
  // Loaded only when a certificate is configured: its PKCS#12 reader is no cost to anyone else.
  const { loadCertificate } = await import('./certificate.ts');
  const loaded = loadCertificate({ file: file.bytes, ...(keyFile?.ok && { keyFile: keyFile.bytes }), ...(password !== undefined && { password }) });
  if (!loaded.ok) return unreadable(path, 'SecretUnreadable', `certificate file ${credential.file} ${loaded.why}`);
  return loaded.certificate;
}

/** The client secret or certificate of a credential block at `section` (/graph, /ews, /smtp). */
async function resolveCredentials(section: string, credentials: ClientCredentials, raw: RawClientCredentials | undefined,
  env: NodeJS.ProcessEnv): Promise<Pick<Secrets, 'clientSecret' | 'certificate'> | IssueDraft> {
  const credential = credentials.credential;
  if (credential.kind === 'secret') {
    const value = await resolveSecret(`${section}/clientSecret`, credential.secretRef, raw?.clientSecret, env);
    return isIssue(value) ? value : { clientSecret: value };
  }
  const certificate = await resolveCertificate(`${section}/certificate`, credential, raw?.certificate, env);
  return isIssue(certificate) ? certificate : { certificate };
}

/** The chosen service's section: where it is, its password, token, client credentials and caFile, with the raw
 *  values of literal secrets. */
function serviceRefs(settings: Settings, raw: RawSettings | undefined) {
  const { ews, graph, smtp } = settings;
  if (ews) return { at: '/ews', passwordRef: ews.passwordRef, tokenRef: ews.tokenRef, credentials: ews.oauth, caFile: ews.caFile, raw: raw?.ews };
  if (graph) return { at: '/graph', passwordRef: undefined, tokenRef: undefined, credentials: graph.credentials, caFile: graph.caFile, raw: raw?.graph };
  if (smtp) return { at: '/smtp', passwordRef: smtp.passwordRef, tokenRef: undefined, credentials: smtp.credentials, caFile: smtp.caFile, raw: raw?.smtp };
  return undefined;
}

export async function resolveReferences(settings: Settings, raw: RawSettings | undefined, env: NodeJS.ProcessEnv): Promise<Resolved> {
  const result: Resolved = { secrets: {}, issues: [] };
  const service = serviceRefs(settings, raw);
  const rawSecrets = service?.raw as { password?: RawSecret; token?: RawSecret } | undefined;
  const [password, token, client, caFile, submission] = await Promise.all([
    service?.passwordRef && resolveSecret(`${service.at}/password`, service.passwordRef, rawSecrets?.password, env),
    service?.tokenRef && resolveSecret(`${service.at}/token`, service.tokenRef, rawSecrets?.token, env),
    service?.credentials && resolveCredentials(service.at, service.credentials, service.raw as RawClientCredentials | undefined, env),
    service?.caFile === undefined ? undefined : readCaFile(`${service.at}/caFile`, service.caFile),
    settings.submission && resolveSubmission(settings.submission, raw?.submission, env),
  ]);
  for (const [name, value] of [['password', password], ['token', token]] as const) {
    if (typeof value === 'string') result.secrets[name] = value;
    else if (value) result.issues.push(value);
  }
  if (isIssue(client)) result.issues.push(client);
  else if (client) Object.assign(result.secrets, client);
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

/** Files whose change is a change of the settings: secret files, certificate and key files, the caFile, the
 *  submission port's TLS files. */
export function referencedFiles(settings: Settings): string[] {
  const fileOf = (r: SecretRef | undefined) => (r && 'file' in r ? [r.file] : []);
  const { ews, graph, smtp, submission: sub } = settings;
  const credential = (ews?.oauth ?? graph?.credentials ?? smtp?.credentials)?.credential;
  const caFile = ews?.caFile ?? graph?.caFile ?? smtp?.caFile;
  return [
    ...fileOf(ews?.passwordRef), ...fileOf(ews?.tokenRef), ...fileOf(smtp?.passwordRef),
    ...fileOf(credential?.kind === 'secret' ? credential.secretRef : credential?.passwordRef),
    ...(credential?.kind === 'certificate' ? [credential.file, ...(credential.keyFile !== undefined ? [credential.keyFile] : [])] : []),
    ...(caFile === undefined ? [] : [caFile]),
    ...(sub ? [...sub.users.flatMap((u) => fileOf(u.passwordRef)), ...(sub.tls ? [sub.tls.certFile, sub.tls.keyFile] : [])] : []),
  ];
}
