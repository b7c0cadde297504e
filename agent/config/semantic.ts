// Checks the schema cannot express: the charset must be one we can encode, the EWS URL must be
// https (http only with `allowInsecureHttp: true`) without credentials in it, the autodiscover address must
// be at a DNS domain, with app-only OAuth the username (EWS's, SMTP's with xoauth2) must be the mailbox's
// address, SMTP without encryption only towards loopback, and the submission port off loopback only with TLS
// and AUTH. Each check looks only at values of the right type, and skips a path the schema already reported.
import iconv from 'iconv-lite';
import { isAddrSpec } from './addr-spec.ts';
import type { IssueDraft } from './issue.ts';
import { isBindableHost, isLoopbackHost, splitListen } from './listen.ts';

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

/** Labels of letters, digits and inner hyphens, at least two of them: what `autodiscover.<domain>` can be. */
const dnsDomain = /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

function autodiscoverIssues(data: unknown): IssueDraft[] {
  const address = section(data, 'ews').autodiscover;
  if (typeof address !== 'string' || dnsDomain.test(address.slice(address.lastIndexOf('@') + 1))) return [];
  return [semantic('/ews/autodiscover', 'domain', 'must be an address at a DNS domain such as contoso.com (autodiscover asks autodiscover.<domain> and <domain>), not an address literal such as [127.0.0.1] or a name without a dot')];
}

function smtpIssues(data: unknown): IssueDraft[] {
  const smtp = section(data, 'smtp');
  if (smtp.security !== 'none' || typeof smtp.host !== 'string' || isLoopbackHost(smtp.host)) return [];
  return [semantic('/smtp/security', 'loopback', 'none (no encryption) is allowed only towards a loopback host such as 127.0.0.1: the password and the messages would cross the network readable; use starttls or tls')];
}

function submissionIssues(data: unknown): IssueDraft[] {
  const sub = section(data, 'submission');
  if (typeof sub.listen !== 'string' || !/:[0-9]{1,5}$/.test(sub.listen)) return [];
  const { host, port } = splitListen(sub.listen);
  if (port > 65535) return [semantic('/submission/listen', 'port', 'has a port above 65535; use 0 to pick a free one')];
  if (!isBindableHost(host)) return [semantic('/submission/listen', 'host', 'must name an IP address (such as 127.0.0.1, ::1, 0.0.0.0) or localhost, not a host name')];
  const issues: IssueDraft[] = [];
  if (!isLoopbackHost(host)) {
    const missing = [sub.tls === undefined ? 'tls (STARTTLS)' : '', sub.users === undefined ? 'users (AUTH)' : ''].filter(Boolean);
    if (missing.length > 0) {
      issues.push(semantic('/submission', 'loopback', `listens beyond loopback, which needs ${missing.join(' and ')}: anyone who can reach the port could otherwise send as you; listen on 127.0.0.1, or add them`));
    }
  }
  const seen = new Set<string>();
  (Array.isArray(sub.users) ? sub.users as unknown[] : []).forEach((user, i) => {
    const name = user !== null && typeof user === 'object' ? (user as Obj).username : undefined;
    if (typeof name !== 'string') return;
    if (seen.has(name.toLowerCase())) issues.push(semantic(`/submission/users/${i}/username`, 'unique', 'is given twice; each user name once'));
    seen.add(name.toLowerCase());
  });
  return issues;
}

/** App-only OAuth acts as a mailbox, which `username` names by its address: EWS's ExchangeImpersonation, SMTP's
 *  XOAUTH2 user= (Exchange Online's SMTP.SendAsApp). */
function appOnlyMailboxIssues(data: unknown): IssueDraft[] {
  const ews = section(data, 'ews');
  const smtp = section(data, 'smtp');
  const issues: IssueDraft[] = [];
  if (ews.auth === 'oauth' && ews.token === undefined && typeof ews.username === 'string' && !isAddrSpec(ews.username)) {
    issues.push(semantic('/ews/username', 'mailbox', 'must be the address of the mailbox the app acts as (e.g. notify@contoso.com) with app-only OAuth'));
  }
  if (smtp.auth === 'xoauth2' && typeof smtp.username === 'string' && !isAddrSpec(smtp.username)) {
    issues.push(semantic('/smtp/username', 'mailbox', 'must be the address of the mailbox the app sends as (e.g. notify@contoso.com) with auth: xoauth2'));
  }
  return issues;
}

export function semanticIssues(data: unknown, reported: readonly IssueDraft[]): IssueDraft[] {
  const taken = new Set(reported.map((i) => i.path));
  return [...charsetIssues(data), ...urlIssues(data), ...autodiscoverIssues(data), ...appOnlyMailboxIssues(data), ...smtpIssues(data), ...submissionIssues(data)].filter((i) => !taken.has(i.path));
}
