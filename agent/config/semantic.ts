// Checks the schema cannot express: the charset must be one we can encode, the EWS URL must be
// https (http only with `allowInsecureHttp: true`) without credentials in it, and with app-only OAuth the
// EWS username must be the mailbox's address. Each check looks only
// at values of the right type, and skips a path the schema already reported.
import iconv from 'iconv-lite';
import { isAddrSpec } from './addr-spec.ts';
import type { IssueDraft } from './issue.ts';

type Obj = Record<string, unknown>;

function section(data: unknown, key: string): Obj {
  const value = data !== null && typeof data === 'object' ? (data as Obj)[key] : undefined;
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Obj : {};
}

function semantic(path: string, keyword: string, message: string): IssueDraft {
  return { path, keyword, code: 'SemanticViolation', message };
}

function charsetIssues(data: unknown): IssueDraft[] {
  const charset = section(data, 'message').charset;
  if (typeof charset !== 'string' || iconv.encodingExists(charset)) return [];
  return [semantic('/message/charset', 'charset', 'is not a character set that can be encoded (e.g. utf-8, iso-8859-1, windows-1252)')];
}

function urlIssues(data: unknown): IssueDraft[] {
  const ews = section(data, 'ews');
  if (typeof ews.url !== 'string' || !URL.canParse(ews.url)) return [];
  const url = new URL(ews.url);
  const issues: IssueDraft[] = [];
  if (url.username !== '' || url.password !== '') {
    issues.push(semantic('/ews/url', 'credentials', 'must not contain a user name or password; use ews.username and ews.password'));
  }
  if (url.protocol === 'http:' && ews.allowInsecureHttp !== true) {
    issues.push(semantic('/ews/url', 'https', 'is plain http, which sends the password readable; use https, or set ews.allowInsecureHttp: true'));
  }
  return issues;
}

/** EWS with app-only OAuth acts as a mailbox: `username` names it by its address. */
function appOnlyMailboxIssues(data: unknown): IssueDraft[] {
  const ews = section(data, 'ews');
  if (ews.auth !== 'oauth' || ews.token !== undefined || typeof ews.username !== 'string' || isAddrSpec(ews.username)) return [];
  return [semantic('/ews/username', 'mailbox', 'must be the address of the mailbox the app acts as (e.g. notify@contoso.com) with app-only OAuth')];
}

export function semanticIssues(data: unknown, reported: readonly IssueDraft[]): IssueDraft[] {
  const taken = new Set(reported.map((i) => i.path));
  return [...charsetIssues(data), ...urlIssues(data), ...appOnlyMailboxIssues(data)].filter((i) => !taken.has(i.path));
}
