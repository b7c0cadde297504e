// Resolving what the settings refer to, after validation and only when asked: secret values from
// their file or variable, and the caFile (read to prove it is readable and to digest it). A failure
// names the reference (the file or variable), never a value.
import type { IssueDraft } from './issue.ts';
import { readReferencedFile } from './referenced-file.ts';
import type { RawSecret } from './raw-settings.ts';
import type { SecretRef, Secrets, Settings } from './settings.ts';

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

async function readCaFile(file: string): Promise<Buffer | IssueDraft> {
  const read = await readReferencedFile(file, maxCaFileBytes);
  if (!read.ok) return unreadable('/ews/caFile', 'CaFileUnreadable', `caFile ${file} ${read.why}`);
  if (!read.bytes.includes('-----BEGIN CERTIFICATE-----')) {
    return unreadable('/ews/caFile', 'CaFileUnreadable', `caFile ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  }
  return read.bytes;
}

export async function resolveReferences(
  settings: Settings, raw: { password?: RawSecret; token?: RawSecret } | undefined, env: NodeJS.ProcessEnv,
): Promise<Resolved> {
  const ews = settings.ews;
  const result: Resolved = { secrets: {}, issues: [] };
  if (!ews) return result;
  const [password, token, caFile] = await Promise.all([
    ews.passwordRef && resolveSecret('/ews/password', ews.passwordRef, raw?.password, env),
    ews.tokenRef && resolveSecret('/ews/token', ews.tokenRef, raw?.token, env),
    ews.caFile === undefined ? undefined : readCaFile(ews.caFile),
  ]);
  for (const [name, value] of [['password', password], ['token', token]] as const) {
    if (typeof value === 'string') result.secrets[name] = value;
    else if (value) result.issues.push(value);
  }
  if (Buffer.isBuffer(caFile)) result.caFile = caFile;
  else if (caFile) result.issues.push(caFile);
  return result;
}

/** Files whose change is a change of the settings: secret files and the caFile. */
export function referencedFiles(settings: Settings): string[] {
  const ews = settings.ews;
  if (!ews) return [];
  const refs = [ews.passwordRef, ews.tokenRef].flatMap((r) => (r && 'file' in r ? [r.file] : []));
  return ews.caFile === undefined ? refs : [...refs, ews.caFile];
}
