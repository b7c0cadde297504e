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

export async function settingsWarnings(settings: Settings, file: string): Promise<IssueDraft[]> {
  return [...await secretWarnings(settings, file), ...transportSecurityWarnings(settings)];
}

async function secretWarnings(settings: Settings, file: string): Promise<IssueDraft[]> {
  const ews = settings.ews;
  if (!ews) return [];
  const warnings: IssueDraft[] = [];
  const literals = (['password', 'token'] as const).filter((name) => {
    const ref = name === 'password' ? ews.passwordRef : ews.tokenRef;
    return ref !== undefined && 'literal' in ref;
  });
  const shared = literals.length > 0 && await readableByOthers(file);
  for (const name of literals) {
    warnings.push(shared
      ? { path: `/ews/${name}`, keyword: 'secret', code: 'InsecureSecret',
        message: `the ${name} is written in the file, which other users can read; use { file: PATH } or { env: NAME }` }
      : { path: `/ews/${name}`, keyword: 'secret', code: 'LiteralSecret',
        message: `the ${name} is written in the file; prefer { file: PATH } or { env: NAME }` });
  }
  return warnings;
}
