// How the sandbox's Autodiscover behaves, from the users file: per mailbox (`aliases`, and `autodiscover`
// with the EXCH/EXPR URLs or a redirect) and per e-mail domain (`domains`: the 302 on plain HTTP, SRV
// answers, POX switched off). Unknown keys are refused, as everywhere in the users file.
import { AgentError, ErrorCodes } from '../errors.ts';

export interface MailboxAutodiscover {
  /** EXCH section / InternalEwsUrl. */
  internal?: string;
  /** EXPR section / ExternalEwsUrl. */
  external?: string;
  /** Asked for the primary address: Action redirectAddr / SOAP RedirectAddress to this address. */
  redirectAddr?: string;
  /** Asked for the primary address anywhere but on this URL's host: Action redirectUrl / SOAP RedirectUrl. */
  redirectUrl?: string;
  /** How redirectUrl is said: the POX element (default) or an HTTP 302 (MS-OXDSCLI 3.2.5 allows both). */
  redirectUrlAs: 'element' | 'http302';
}

export interface SrvRecordConfig { target: string; port: number; priority: number; weight: number }

export interface DomainAutodiscover {
  /** Location of the 302 at http://autodiscover.<domain>/autodiscover/autodiscover.xml */
  httpRedirect?: string;
  /** Answers for _autodiscover._tcp.<domain> (handed to the agent's --resolve-srv). */
  srv: SrvRecordConfig[];
  /** false: POST …/autodiscover.xml at <domain> and autodiscover.<domain> is 404 (SOAP only there). */
  pox: boolean;
}

function fail(where: string, why: string): AgentError {
  return new AgentError(ErrorCodes.Usage, `sandbox users file: ${where}: ${why}`);
}

function only(raw: Record<string, unknown>, keys: readonly string[], where: string): void {
  for (const key of Object.keys(raw)) if (!keys.includes(key)) throw fail(where, `unknown key \`${key}\` (known: ${keys.join(', ')})`);
}

function url(value: unknown, where: string): string {
  if (typeof value !== 'string' || !/^https?:\/\/[^/\s]+\/\S*$/i.test(value)) throw fail(where, 'expected an http(s) URL with a path');
  return value;
}

function address(value: unknown, where: string): string {
  if (typeof value !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(value)) throw fail(where, 'expected an e-mail address');
  return value.toLowerCase();
}

function mapping(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail(where, 'expected a mapping');
  return value as Record<string, unknown>;
}

export function parseAliases(value: unknown, where: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw fail(where, 'expected a list of addresses');
  return value.map((a, i) => address(a, `${where}[${i}]`));
}

export function parseMailboxAutodiscover(value: unknown, where: string): MailboxAutodiscover | undefined {
  if (value === undefined) return undefined;
  const raw = mapping(value, where);
  only(raw, ['internal', 'external', 'redirectAddr', 'redirectUrl', 'redirectUrlAs'], where);
  const as = raw.redirectUrlAs ?? 'element';
  if (as !== 'element' && as !== 'http302') throw fail(`${where}.redirectUrlAs`, 'expected element or http302');
  return {
    ...(raw.internal !== undefined ? { internal: url(raw.internal, `${where}.internal`) } : {}),
    ...(raw.external !== undefined ? { external: url(raw.external, `${where}.external`) } : {}),
    ...(raw.redirectAddr !== undefined ? { redirectAddr: address(raw.redirectAddr, `${where}.redirectAddr`) } : {}),
    ...(raw.redirectUrl !== undefined ? { redirectUrl: url(raw.redirectUrl, `${where}.redirectUrl`) } : {}),
    redirectUrlAs: as,
  };
}

function srvRecord(value: unknown, where: string): SrvRecordConfig {
  const raw = mapping(value, where);
  only(raw, ['target', 'port', 'priority', 'weight'], where);
  const number = (v: unknown, key: string, fallback: number): number => {
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65535) throw fail(`${where}.${key}`, 'expected a whole number up to 65535');
    return v;
  };
  if (typeof raw.target !== 'string' || raw.target === '') throw fail(`${where}.target`, 'expected a host name');
  return { target: raw.target.toLowerCase(), port: number(raw.port, 'port', 443), priority: number(raw.priority, 'priority', 0), weight: number(raw.weight, 'weight', 0) };
}

export function parseDomains(value: unknown): Map<string, DomainAutodiscover> {
  const domains = new Map<string, DomainAutodiscover>();
  if (value === undefined) return domains;
  for (const [name, entry] of Object.entries(mapping(value, 'domains'))) {
    const where = `domains.${name}`;
    const raw = mapping(entry, where);
    only(raw, ['httpRedirect', 'srv', 'pox'], where);
    if (raw.srv !== undefined && !Array.isArray(raw.srv)) throw fail(`${where}.srv`, 'expected a list');
    if (raw.pox !== undefined && typeof raw.pox !== 'boolean') throw fail(`${where}.pox`, 'expected true or false');
    domains.set(name.toLowerCase(), {
      ...(raw.httpRedirect !== undefined ? { httpRedirect: url(raw.httpRedirect, `${where}.httpRedirect`) } : {}),
      srv: ((raw.srv ?? []) as unknown[]).map((r, i) => srvRecord(r, `${where}.srv[${i}]`)),
      pox: raw.pox !== false,
    });
  }
  return domains;
}
