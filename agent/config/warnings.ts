// Settings that are valid but unwise, reported as warnings: a literal secret in the file (worse when
// the file is readable by other users), transport security switched off (transport-security.ts), and a
// setting the chosen service cannot honour.
import { stat } from 'node:fs/promises';
import type { IssueDraft } from './issue.ts';
import type { SecretRef, Settings } from './settings.ts';
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

/** The secrets of the settings, by path and by the word a message uses for them. */
function secretRefs(settings: Settings): { path: string; name: string; ref: SecretRef | undefined }[] {
  const { ews, graph, smtp, submission } = settings;
  const section = ews ? '/ews' : smtp ? '/smtp' : '/graph';
  const credential = (ews?.oauth ?? graph?.credentials ?? smtp?.credentials)?.credential;
  return [
    { path: '/ews/password', name: 'password', ref: ews?.passwordRef },
    { path: '/ews/token', name: 'token', ref: ews?.tokenRef },
    { path: `${section}/clientSecret`, name: 'client secret', ref: credential?.kind === 'secret' ? credential.secretRef : undefined },
    { path: `${section}/certificate/password`, name: 'certificate password', ref: credential?.kind === 'certificate' ? credential.passwordRef : undefined },
    { path: '/smtp/password', name: 'password', ref: smtp?.passwordRef },
    ...(submission?.users ?? []).map((u, i) => ({ path: `/submission/users/${i}/password`, name: `password of submission user ${u.username}`, ref: u.passwordRef })),
  ];
}

async function secretWarnings(settings: Settings, file: string): Promise<IssueDraft[]> {
  const literals = secretRefs(settings).filter(({ ref }) => ref !== undefined && 'literal' in ref);
  const shared = literals.length > 0 && await readableByOthers(file);
  return literals.map(({ path, name }): IssueDraft => (shared
    ? { path, keyword: 'secret', code: 'InsecureSecret', message: `the ${name} is written in the file, which other users can read; use { file: PATH } or { env: NAME }` }
    : { path, keyword: 'secret', code: 'LiteralSecret', message: `the ${name} is written in the file; prefer { file: PATH } or { env: NAME }` }));
}

/** Settings the chosen service has no way to honour. */
function ignoredSettings(settings: Settings): IssueDraft[] {
  return settings.graph && !settings.graph.saveCopy
    ? [{ path: '/graph/saveCopy', keyword: 'saveCopy', code: 'IgnoredSetting',
      message: 'Graph keeps a copy in Sent Items of every message sent in MIME form (the only form that keeps the charset and headers): saveCopy: false cannot be honoured' }]
    : [];
}

export async function settingsWarnings(settings: Settings, file: string): Promise<IssueDraft[]> {
  return [...await secretWarnings(settings, file), ...transportSecurityWarnings(settings), ...ignoredSettings(settings)];
}
