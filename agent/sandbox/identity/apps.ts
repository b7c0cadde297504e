// The sandbox's app registrations: from an apps file (YAML, beside the users file), or the one default
// app. An app lives in a tenant (named by its domain or its id), proves itself with secrets or registered
// certificates, holds application permissions (Graph's Mail.Send, Mail.ReadBasic, Mail.ReadWrite; Exchange
// Online's full_access_as_app for EWS, SMTP.SendAsApp), and may be limited to some mailboxes — what RBAC
// for Applications does in Exchange Online. `consented: false` is an app whose permissions no administrator
// granted: it gets tokens, without roles, as Entra ID issues them.
import { createHash, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AgentError, ErrorCodes } from '../../errors.ts';
import { readYamlFile } from '../yaml-file.ts';

export interface AppCertificate {
  cert: X509Certificate;
  /** base64url SHA-256 / SHA-1 of the DER: what x5t#S256 and x5t name. */
  x5tS256: string;
  x5t: string;
}

export interface SandboxApp {
  clientId: string;
  tenant: Tenant;
  secrets: { value: string; expiresAt?: Date }[];
  certificates: AppCertificate[];
  permissions: ReadonlySet<string>;
  /** The mailboxes RBAC for Applications lets the app reach (lower case); undefined: all of the tenant's. */
  mailboxes?: ReadonlySet<string>;
  tokenLifetimeSeconds: number;
  consented: boolean;
  disabled: boolean;
}

export interface Tenant {
  /** The tenant's domain, e.g. sandbox.test. */
  domain: string;
  /** Its id: a GUID derived from the domain, stable across runs. */
  id: string;
}

export interface AppDirectory {
  apps: readonly SandboxApp[];
  tenants: readonly Tenant[];
}

export const DEFAULT_APP = {
  tenant: 'sandbox.test',
  clientId: '11111111-2222-3333-4444-555555555555',
  secret: 'sandbox-secret',
  permissions: ['Mail.Send', 'Mail.ReadBasic'],
  mailboxes: ['notify@sandbox.test'],
} as const;

/** An hour, less a second: what Entra ID's app-only tokens typically live. */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 3599;

export function tenantOf(domain: string): Tenant {
  const hex = createHash('sha256').update(`mail-agent sandbox tenant ${domain.toLowerCase()}`).digest('hex');
  return { domain: domain.toLowerCase(), id: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}` };
}

export function appCertificate(pem: string | Buffer): AppCertificate {
  const cert = new X509Certificate(pem);
  return {
    cert,
    x5tS256: createHash('sha256').update(cert.raw).digest('base64url'),
    x5t: createHash('sha1').update(cert.raw).digest('base64url'),
  };
}

function appsError(why: string): AgentError {
  return new AgentError(ErrorCodes.Usage, `sandbox apps file: ${why}`);
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function strings(value: unknown, where: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw appsError(`${where} must be a list of strings`);
  return value;
}

async function certificateOf(entry: unknown, baseDir: string, where: string): Promise<AppCertificate> {
  const text = typeof entry === 'string' && entry.includes('-----BEGIN CERTIFICATE-----') ? entry
    : typeof entry === 'string' ? await readFile(path.resolve(baseDir, entry), 'utf8').catch(() => { throw appsError(`${where}: cannot read ${entry}`); })
      : undefined;
  if (text === undefined) throw appsError(`${where} must be a PEM certificate or the path of one`);
  try {
    return appCertificate(text);
  } catch {
    throw appsError(`${where} holds no readable certificate`);
  }
}

/** One `apps:` entry (the defaults fill what it leaves out). */
async function appOf(raw: Record<string, unknown>, i: number, baseDir: string): Promise<SandboxApp> {
  const where = `apps[${i}]`;
  const clientId = raw.clientId;
  if (typeof clientId !== 'string' || !GUID.test(clientId)) throw appsError(`${where}.clientId must be a GUID`);
  const tenant = raw.tenant ?? DEFAULT_APP.tenant;
  if (typeof tenant !== 'string') throw appsError(`${where}.tenant must be a domain`);
  const secrets = (Array.isArray(raw.secrets) ? raw.secrets : []).map((s: unknown, j) => {
    if (typeof s === 'string') return { value: s };
    const r = s as { value?: unknown; expires?: unknown };
    if (typeof r?.value !== 'string') throw appsError(`${where}.secrets[${j}] must be a string or { value, expires }`);
    const expiresAt = r.expires === undefined ? undefined : r.expires instanceof Date ? r.expires : new Date(typeof r.expires === 'string' ? r.expires : NaN);
    if (expiresAt && Number.isNaN(expiresAt.getTime())) throw appsError(`${where}.secrets[${j}].expires must be a date`);
    return { value: r.value, ...(expiresAt ? { expiresAt } : {}) };
  });
  const certificates = await Promise.all((Array.isArray(raw.certificates) ? raw.certificates : [])
    .map((c: unknown, j) => certificateOf(c, baseDir, `${where}.certificates[${j}]`)));
  const lifetime = raw.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS;
  if (!Number.isInteger(lifetime) || (lifetime as number) < 1) throw appsError(`${where}.tokenLifetimeSeconds must be a whole number of seconds`);
  const mailboxes = raw.mailboxes === undefined ? undefined : new Set(strings(raw.mailboxes, `${where}.mailboxes`).map((m) => m.toLowerCase()));
  return {
    clientId: clientId.toLowerCase(), tenant: tenantOf(tenant), secrets, certificates,
    permissions: new Set(strings(raw.permissions, `${where}.permissions`)),
    ...(mailboxes ? { mailboxes } : {}),
    tokenLifetimeSeconds: lifetime as number,
    consented: raw.consented !== false,
    disabled: raw.disabled === true,
  };
}

/** The app directory from a parsed apps file (`{ apps: [...] }`), or the default app. */
export async function buildApps(doc?: unknown, baseDir = '.'): Promise<AppDirectory> {
  const list = doc === undefined
    ? [{ clientId: DEFAULT_APP.clientId, tenant: DEFAULT_APP.tenant, secrets: [DEFAULT_APP.secret], permissions: [...DEFAULT_APP.permissions], mailboxes: [...DEFAULT_APP.mailboxes] }]
    : (doc as { apps?: unknown })?.apps;
  if (!Array.isArray(list)) throw appsError('expected a mapping with an `apps` list');
  const apps = await Promise.all(list.map((raw: unknown, i) => {
    if (typeof raw !== 'object' || raw === null) throw appsError(`apps[${i}] must be a mapping`);
    return appOf(raw as Record<string, unknown>, i, baseDir);
  }));
  const tenants = [...new Map(apps.map((a) => [a.tenant.id, a.tenant])).values()];
  return { apps, tenants: tenants.length > 0 ? tenants : [tenantOf(DEFAULT_APP.tenant)] };
}

export async function loadApps(file?: string): Promise<AppDirectory> {
  if (file === undefined) return buildApps();
  return buildApps(await readYamlFile(file, () => appsError('cannot be read')), path.dirname(file));
}

/** The tenant a URL segment names (its domain or id, any case). */
export function findTenant(dir: AppDirectory, name: string): Tenant | undefined {
  const lower = name.toLowerCase();
  return dir.tenants.find((t) => t.domain === lower || t.id === lower);
}

export function findApp(dir: AppDirectory, tenant: Tenant, clientId: string): SandboxApp | undefined {
  const lower = clientId.toLowerCase();
  return dir.apps.find((a) => a.tenant.id === tenant.id && a.clientId === lower);
}

/** May the app act on this mailbox (RBAC for Applications)? */
export function inScope(app: SandboxApp, mailbox: string): boolean {
  return app.mailboxes === undefined || app.mailboxes.has(mailbox.toLowerCase());
}
