// Settings that are valid but unwise, reported as warnings: a literal secret in the file (worse when
// the file is readable by other users), and transport security switched off (transport-security.ts).
import { stat } from 'node:fs/promises';
import type { IssueDraft } from './issue.ts';
import type { Settings } from './settings.ts';
import { transportSecurityWarnings } from './transport-security.ts';

/** Group or others may read the file (POSIX modes; Windows reports none of these bits reliably). */
async function readableByOthers(file: string): Promise<boolean> {
  if (process.platform === 'win32') return false;
  try {
    return ((await stat(file)).mode & 0o044) !== 0;
  } catch {
    return false;
  }
}

function literalSecretWarning(pointer: string, name: string, shared: boolean): IssueDraft {
  return shared
    ? { path: pointer, keyword: 'secret', code: 'InsecureSecret', message: `the ${name} is written in the file, which other users can read; use { file: PATH } or { env: NAME }` }
    : { path: pointer, keyword: 'secret', code: 'LiteralSecret', message: `the ${name} is written in the file; prefer { file: PATH } or { env: NAME }` };
}

/** `service: smtp` and the submission port: literal passwords. */
async function smtpWarnings(settings: Settings, file: string): Promise<IssueDraft[]> {
  const literals: [string, string][] = [];
  const smtp = settings.smtp;
  if (smtp?.passwordRef && 'literal' in smtp.passwordRef) literals.push(['/smtp/password', 'password']);
  settings.submission?.users.forEach((u, i) => { if ('literal' in u.passwordRef) literals.push([`/submission/users/${i}/password`, `password of submission user ${u.username}`]); });
  const shared = literals.length > 0 && await readableByOthers(file);
  return literals.map(([pointer, name]) => literalSecretWarning(pointer, name, shared));
}

export async function settingsWarnings(settings: Settings, file: string): Promise<IssueDraft[]> {
  return [...await secretWarnings(settings, file), ...transportSecurityWarnings(settings)];
}

async function secretWarnings(settings: Settings, file: string): Promise<IssueDraft[]> {
  const ews = settings.ews;
  if (!ews) return smtpWarnings(settings, file);
  const warnings: IssueDraft[] = await smtpWarnings(settings, file);
  const literals = (['password', 'token'] as const).filter((name) => {
    const ref = name === 'password' ? ews.passwordRef : ews.tokenRef;
    return ref !== undefined && 'literal' in ref;
  });
  const shared = literals.length > 0 && await readableByOthers(file);
  for (const name of literals) warnings.push(literalSecretWarning(`/ews/${name}`, name, shared));
  return warnings;
}
