// The sandbox's accounts: from a YAML users file, or the one default account.
import { AgentError, ErrorCodes } from '../errors.ts';
import { readYamlFile } from './yaml-file.ts';
import { parseAliases, parseDomains, parseMailboxAutodiscover, type DomainAutodiscover, type MailboxAutodiscover } from './users-autodiscover.ts';

export interface Account {
  /** As written in the users file: `DOMAIN\user`, `user@domain` or `user`. */
  username: string;
  user: string;
  domain: string;
  password: string;
  email: string;
  sendAs: ReadonlySet<string>;
  sendOnBehalf: ReadonlySet<string>;
  /** Other SMTP addresses of the mailbox (Autodiscover answers for them too). */
  aliases?: ReadonlySet<string>;
  /** How Autodiscover answers for this mailbox; default: EXCH and EXPR both the sandbox's own EWS URL. */
  autodiscover?: MailboxAutodiscover;
  /** SMTP AUTH turned off for this mailbox (Exchange's SmtpClientAuthenticationDisabled): 535 5.7.139. */
  smtpAuthDisabled?: boolean;
}

export interface Directory {
  accounts: readonly Account[];
  /** Bearer token → account. */
  tokens: ReadonlyMap<string, Account>;
  /** Autodiscover per e-mail domain (lower case): the plain-HTTP 302, SRV answers, POX off. */
  domains?: ReadonlyMap<string, DomainAutodiscover>;
}

export const DEFAULT_ACCOUNT = { username: 'SANDBOX\\notify', password: 'sandbox', email: 'notify@sandbox.test' } as const;

export function splitUsername(username: string): { user: string; domain: string } {
  const slash = username.indexOf('\\');
  if (slash >= 0) return { domain: username.slice(0, slash), user: username.slice(slash + 1) };
  const at = username.lastIndexOf('@');
  if (at > 0) return { user: username.slice(0, at), domain: username.slice(at + 1) };
  return { user: username, domain: '' };
}

function lowerSet(list: unknown): Set<string> {
  return new Set(Array.isArray(list) ? list.map((a) => String(a).toLowerCase()) : []);
}

interface RawAccount { username: string; password: string; email: string; sendAs?: unknown; sendOnBehalf?: unknown; aliases?: unknown; autodiscover?: unknown; smtpAuthDisabled?: unknown }

function account(raw: RawAccount, where = 'users'): Account {
  const autodiscover = parseMailboxAutodiscover(raw.autodiscover, `${where}.autodiscover`);
  return {
    username: raw.username, ...splitUsername(raw.username), password: raw.password, email: raw.email.toLowerCase(),
    sendAs: lowerSet(raw.sendAs), sendOnBehalf: lowerSet(raw.sendOnBehalf),
    aliases: new Set(parseAliases(raw.aliases, `${where}.aliases`)), ...(autodiscover ? { autodiscover } : {}),
    ...(raw.smtpAuthDisabled === true ? { smtpAuthDisabled: true } : {}),
  };
}

function usersError(why: string): AgentError {
  return new AgentError(ErrorCodes.Usage, `sandbox users file: ${why}`);
}

/** Builds the directory from the parsed users file (or the default account when `doc` is undefined). */
export function buildDirectory(doc?: unknown): Directory {
  if (doc === undefined) return { accounts: [account(DEFAULT_ACCOUNT)], tokens: new Map(), domains: new Map() };
  if (typeof doc !== 'object' || doc === null) throw usersError('expected a mapping with `users` and `tokens`');
  const { users = [], tokens = [], domains } = doc as { users?: unknown; tokens?: unknown; domains?: unknown };
  if (!Array.isArray(users) || !Array.isArray(tokens)) throw usersError('`users` and `tokens` must be lists');
  const accounts = users.map((u: unknown, i) => {
    const r = u as Record<string, unknown>;
    if (typeof r?.username !== 'string' || typeof r.password !== 'string' || typeof r.email !== 'string') {
      throw usersError(`users[${i}] needs string username, password and email`);
    }
    return account(r as unknown as RawAccount, `users[${i}]`);
  });
  const byToken = new Map<string, Account>();
  tokens.forEach((t: unknown, i) => {
    const r = t as Record<string, unknown>;
    if (typeof r?.token !== 'string' || typeof r.email !== 'string') throw usersError(`tokens[${i}] needs string token and email`);
    const email = r.email.toLowerCase();
    const owner = accounts.find((a) => a.email === email) ??
      account({ username: email, password: '', email });
    byToken.set(r.token, owner);
  });
  return { accounts, tokens: byToken, domains: parseDomains(domains) };
}

export async function loadDirectory(file?: string): Promise<Directory> {
  if (file === undefined) return buildDirectory();
  return buildDirectory(await readYamlFile(file, () => usersError('cannot be read')));
}

/** The mailbox an SMTP address names: its primary address or one of its aliases. */
export function findMailbox(dir: Directory, address: string): Account | undefined {
  const lower = address.toLowerCase();
  return dir.accounts.find((a) => a.email === lower || a.aliases?.has(lower) === true);
}

/** The account a user name names, however the client spelt it: `DOMAIN\user`, `user@domain`, `user`, or the email. */
export function findAccount(dir: Directory, name: string, domainHint?: string): Account | undefined {
  const lower = name.toLowerCase();
  const split = splitUsername(lower);
  const domain = (domainHint ?? split.domain).toLowerCase();
  return dir.accounts.find((a) => {
    if (a.password === '') return false;
    if (a.username.toLowerCase() === lower || a.email === lower) return true;
    if (a.user.toLowerCase() !== split.user) return false;
    return domain === '' || domain === a.domain.toLowerCase() || domain === a.email.slice(a.email.indexOf('@') + 1);
  });
}
