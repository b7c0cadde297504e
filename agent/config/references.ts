// Resolving what the settings refer to, after validation and only when asked: secret values from
// their file or variable, the client certificate and its key, and the caFile (read to prove it is
// readable and to digest it). A failure names the reference (the file or variable), never a value.
import type { IssueDraft } from './issue.ts';
import { readReferencedFile } from './referenced-file.ts';
import type { RawClientCredentials, RawSecret, RawSettings } from './raw-settings.ts';
import type { CertificateSecret, ClientCredentials, SecretRef, Secrets, Settings } from './settings.ts';

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

async function readCaFile(path: string, file: string): Promise<Buffer | IssueDraft> {
  const read = await readReferencedFile(file, maxCaFileBytes);
  if (!read.ok) return unreadable(path, 'CaFileUnreadable', `caFile ${file} ${read.why}`);
  if (!read.bytes.includes('-----BEGIN CERTIFICATE-----')) {
    return unreadable(path, 'CaFileUnreadable', `caFile ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  }
  return read.bytes;
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
  const { loadCertificate } = await import('../oauth/certificate.ts');
  const loaded = loadCertificate({ file: file.bytes, ...(keyFile?.ok && { keyFile: keyFile.bytes }), ...(password !== undefined && { password }) });
  if (!loaded.ok) return unreadable(path, 'SecretUnreadable', `certificate file ${credential.file} ${loaded.why}`);
  return loaded.certificate;
}

/** The client secret or certificate of a credential block at `section` (/graph, /ews). */
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

export async function resolveReferences(settings: Settings, raw: Pick<RawSettings, 'ews' | 'graph'>, env: NodeJS.ProcessEnv): Promise<Resolved> {
  const result: Resolved = { secrets: {}, issues: [] };
  const { ews, graph } = settings;
  const section = ews ? '/ews' : '/graph';
  const credentials = ews?.oauth ?? graph?.credentials;
  const caFilePath = ews?.caFile ?? graph?.caFile;
  const [password, token, client, caFile] = await Promise.all([
    ews?.passwordRef && resolveSecret('/ews/password', ews.passwordRef, raw.ews?.password, env),
    ews?.tokenRef && resolveSecret('/ews/token', ews.tokenRef, raw.ews?.token, env),
    credentials && resolveCredentials(section, credentials, ews ? raw.ews : raw.graph, env),
    caFilePath === undefined ? undefined : readCaFile(`${section}/caFile`, caFilePath),
  ]);
  for (const [name, value] of [['password', password], ['token', token]] as const) {
    if (typeof value === 'string') result.secrets[name] = value;
    else if (value) result.issues.push(value);
  }
  if (isIssue(client)) result.issues.push(client);
  else if (client) Object.assign(result.secrets, client);
  if (Buffer.isBuffer(caFile)) result.caFile = caFile;
  else if (caFile) result.issues.push(caFile);
  return result;
}

/** Files whose change is a change of the settings: secret files, certificate and key files, and the caFile. */
export function referencedFiles(settings: Settings): string[] {
  const { ews, graph } = settings;
  const credential = (ews?.oauth ?? graph?.credentials)?.credential;
  const refs = [ews?.passwordRef, ews?.tokenRef, credential?.kind === 'secret' ? credential.secretRef : credential?.passwordRef]
    .flatMap((r) => (r && 'file' in r ? [r.file] : []));
  const files = credential?.kind === 'certificate' ? [credential.file, ...(credential.keyFile !== undefined ? [credential.keyFile] : [])] : [];
  const caFile = ews?.caFile ?? graph?.caFile;
  return [...refs, ...files, ...(caFile === undefined ? [] : [caFile])];
}
