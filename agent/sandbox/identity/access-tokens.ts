// Access tokens the sandbox issues (RS256 JWTs, claims as Entra ID's app-only v1 tokens carry them: aud,
// iss, appid, tid, roles, idtyp app, iat/nbf/exp) and checks when Graph or EWS receives one. A check
// verifies the signature and the audience, and the expiry against the sandbox's clock; results are kept
// (bounded) so a client sending the same token a thousand times pays for one RSA verification.
import { createVerify, randomUUID, sign } from 'node:crypto';
import type { AppDirectory, SandboxApp } from './apps.ts';
import type { SigningKeys } from './signing-key.ts';

/** The resources tokens can be asked for, by their .default scope's prefix, and their application ids. */
export const RESOURCES = {
  'https://graph.microsoft.com': '00000003-0000-0000-c000-000000000000',
  'https://outlook.office365.com': '00000002-0000-0ff1-ce00-000000000000',
  'https://outlook.office.com': '00000002-0000-0ff1-ce00-000000000000',
} as const;
export type Resource = keyof typeof RESOURCES;
export const GRAPH_AUDIENCE: Resource = 'https://graph.microsoft.com';
export const OUTLOOK_AUDIENCE: Resource = 'https://outlook.office365.com';

/** Exchange Online's own application permissions; every other permission name is Graph's. */
const OUTLOOK_ROLES = new Set(['full_access_as_app', 'SMTP.SendAsApp', 'IMAP.AccessAsApp', 'POP.AccessAsApp']);

/** What a resource server learns from a valid app-only token. */
export interface AppAccess {
  app: SandboxApp;
  roles: ReadonlySet<string>;
  audience: Resource;
  expiresAt: Date;
}

export type TokenCheck = { ok: true; access: AppAccess } | { ok: false; why: 'malformed' | 'signature' | 'expired' | 'audience' | 'app' };

export function rolesFor(app: SandboxApp, resource: Resource): string[] {
  if (!app.consented) return [];
  const outlook = resource !== GRAPH_AUDIENCE;
  return [...app.permissions].filter((p) => OUTLOOK_ROLES.has(p) === outlook);
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const CACHE_LIMIT = 512;

export class AccessTokens {
  private readonly verified = new Map<string, { claims: Record<string, unknown>; app: SandboxApp }>();
  private readonly keys: SigningKeys;
  private readonly apps: AppDirectory;
  private readonly now: () => Date;

  constructor(keys: SigningKeys, apps: AppDirectory, now: () => Date) {
    this.keys = keys;
    this.apps = apps;
    this.now = now;
  }

  async issue(app: SandboxApp, resource: Resource): Promise<{ token: string; expiresIn: number }> {
    const { privateKey, kid } = await this.keys.get();
    const iat = Math.floor(this.now().getTime() / 1000);
    const expiresIn = app.tokenLifetimeSeconds;
    const claims = {
      aud: resource, iss: `https://sts.windows.net/${app.tenant.id}/`, iat, nbf: iat, exp: iat + expiresIn,
      appid: app.clientId, appidacr: app.certificates.length > 0 ? '2' : '1', idp: `https://sts.windows.net/${app.tenant.id}/`,
      idtyp: 'app', oid: app.clientId, sub: app.clientId, tid: app.tenant.id, roles: rolesFor(app, resource),
      uti: randomUUID(), ver: '1.0',
    };
    const input = `${b64({ typ: 'JWT', alg: 'RS256', x5t: kid, kid })}.${b64(claims)}`;
    return { token: `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`, expiresIn };
  }

  /** Checks a bearer token for `audience`. */
  async check(token: string, audience: Resource): Promise<TokenCheck> {
    let entry = this.verified.get(token);
    if (!entry) {
      const parts = token.split('.');
      if (parts.length !== 3) return { ok: false, why: 'malformed' };
      let claims: Record<string, unknown>;
      let header: Record<string, unknown>;
      try {
        header = JSON.parse(Buffer.from(parts[0] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
        claims = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
      } catch {
        return { ok: false, why: 'malformed' };
      }
      const { publicKey, kid } = await this.keys.get();
      const good = header.alg === 'RS256' && header.kid === kid
        && createVerify('sha256').update(`${parts[0]}.${parts[1]}`).verify(publicKey, Buffer.from(parts[2] ?? '', 'base64url'));
      if (!good) return { ok: false, why: 'signature' };
      const app = this.apps.apps.find((a) => a.clientId === claims.appid && a.tenant.id === claims.tid);
      if (!app) return { ok: false, why: 'app' };
      if (this.verified.size >= CACHE_LIMIT) this.verified.clear();
      entry = { claims, app };
      this.verified.set(token, entry);
    }
    const { claims, app } = entry;
    const exp = typeof claims.exp === 'number' ? claims.exp * 1000 : 0;
    if (exp <= this.now().getTime()) return { ok: false, why: 'expired' };
    const aud = String(claims.aud).replace(/\/$/, '');
    const sameResource = aud === audience || RESOURCES[aud as Resource] === RESOURCES[audience];
    if (!sameResource) return { ok: false, why: 'audience' };
    if (app.disabled) return { ok: false, why: 'app' };
    const roles = Array.isArray(claims.roles) ? claims.roles.map(String) : [];
    return { ok: true, access: { app, roles: new Set(roles), audience, expiresAt: new Date(exp) } };
  }
}
