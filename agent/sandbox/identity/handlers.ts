// The identity platform on the sandbox's HTTPS port, as Microsoft's login host answers:
//   GET  /{tenant}/v2.0/.well-known/openid-configuration   the tenant's OpenID configuration
//   GET  /{tenant}/discovery/v2.0/keys                     the keys tokens are signed with (JWKS)
//   POST /{tenant}/oauth2/v2.0/token                       client credentials: a secret, or a certificate's assertion
// {tenant} is the tenant's domain or id. URLs in answers use the host the client asked for.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../http/body.ts';
import { AccessTokens, RESOURCES, type Resource } from './access-tokens.ts';
import { findApp, findTenant, type AppDirectory, type SandboxApp, type Tenant } from './apps.ts';
import { checkAssertion } from './client-assertion.ts';
import { failureBody, Failures, type IdentityFailure } from './errors.ts';
import type { SigningKeys } from './signing-key.ts';
import { sameSecret } from '../../same-secret.ts';

export interface IdentityState {
  apps: AppDirectory;
  keys: SigningKeys;
  tokens: AccessTokens;
  now: () => Date;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The identity paths, with the tenant segment as given. */
export const IDENTITY_PATH = /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|discovery\/v2\.0\/keys|oauth2\/v2\.0\/token)$/;

function reply(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', ...headers }).end(body);
}

function fail(res: ServerResponse, state: IdentityState, failure: IdentityFailure): void {
  reply(res, failure.status, failureBody(failure, state.now()));
}

function originOf(req: IncomingMessage): string {
  return `https://${req.headers.host ?? 'localhost'}`;
}

function configuration(origin: string, tenant: Tenant): Record<string, unknown> {
  const base = `${origin}/${tenant.id}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${origin}/${tenant.id}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${base}/v2.0`,
    request_uri_parameter_supported: false,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'tid', 'roles'],
    tenant_region_scope: 'EU',
    cloud_instance_name: 'sandbox.local',
    cloud_graph_host_name: 'graph.microsoft.com',
    msgraph_host: 'graph.microsoft.com',
  };
}

/** The client's secret from the form or from HTTP Basic (client_secret_basic, RFC 6749 §2.3.1). */
function clientAuth(req: IncomingMessage, form: URLSearchParams): { clientId?: string; secret?: string } {
  const header = req.headers.authorization;
  if (header?.toLowerCase().startsWith('basic ')) {
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { clientId: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  }
  return { clientId: form.get('client_id') ?? undefined, secret: form.get('client_secret') ?? undefined };
}

function resourceOf(scope: string, tenant: Tenant): Resource | IdentityFailure {
  const scopes = scope.split(' ').filter(Boolean);
  const only = scopes[0] ?? '';
  if (scopes.length !== 1 || !only.endsWith('/.default')) return Failures.scopeNotDefault(scope);
  const resource = only.slice(0, -'/.default'.length).replace(/\/$/, '');
  const byId = Object.entries(RESOURCES).find(([, id]) => id === resource)?.[0];
  const known = (resource in RESOURCES ? resource : byId) as Resource | undefined;
  return known ?? Failures.resourceNotFound(resource, tenant.domain);
}

/** Who the client is, by its secret or its assertion; a failure otherwise. */
function authenticate(req: IncomingMessage, form: URLSearchParams, state: IdentityState, tenant: Tenant): SandboxApp | IdentityFailure {
  const { clientId, secret } = clientAuth(req, form);
  if (!clientId) return Failures.missing('client_id');
  const app = findApp(state.apps, tenant, clientId);
  if (!app) return Failures.appNotFound(clientId, tenant.domain);
  if (app.disabled) return Failures.appDisabled(app.clientId);
  const now = state.now();
  const assertion = form.get('client_assertion');
  if (assertion !== null) {
    if (form.get('client_assertion_type') !== ASSERTION_TYPE) return Failures.badJwt(`client_assertion_type must be ${ASSERTION_TYPE}`);
    const origin = originOf(req);
    const audiences = [tenant.id, tenant.domain].map((t) => `${origin}/${t}/oauth2/v2.0/token`);
    return checkAssertion(assertion, app, clientId, audiences, now) ?? app;
  }
  if (secret === undefined) return Failures.noCredential();
  const match = app.secrets.find((s) => sameSecret(secret, s.value));
  if (!match) return Failures.badSecret(app.clientId);
  if (match.expiresAt && match.expiresAt.getTime() <= now.getTime()) return Failures.expiredSecret(app.clientId);
  return app;
}

async function token(req: IncomingMessage, res: ServerResponse, state: IdentityState, tenant: Tenant): Promise<void> {
  if (req.method !== 'POST') return reply(res, 405, JSON.stringify({ error: 'invalid_request', error_description: 'POST the token request' }));
  const form = new URLSearchParams((await readBody(req, 256 * 1024)).toString('utf8'));
  const grant = form.get('grant_type');
  if (grant === null) return fail(res, state, Failures.missing('grant_type'));
  if (grant !== 'client_credentials') return fail(res, state, Failures.badGrant());
  const app = authenticate(req, form, state, tenant);
  if ('status' in app) return fail(res, state, app);
  const scope = form.get('scope');
  if (scope === null) return fail(res, state, Failures.missing('scope'));
  const resource = resourceOf(scope, tenant);
  if (typeof resource !== 'string') return fail(res, state, resource);
  const issued = await state.tokens.issue(app, resource);
  reply(res, 200, JSON.stringify({ token_type: 'Bearer', expires_in: issued.expiresIn, ext_expires_in: issued.expiresIn, access_token: issued.token }));
}

/** Answers an identity path (IDENTITY_PATH matched). */
export async function handleIdentity(state: IdentityState, req: IncomingMessage, res: ServerResponse, match: RegExpExecArray): Promise<void> {
  const tenantName = decodeURIComponent(match[1] ?? '');
  const tenant = findTenant(state.apps, tenantName);
  const what = match[2] ?? '';
  if (!tenant) {
    if (what.startsWith('oauth2')) return fail(res, state, Failures.tenantNotFound(tenantName));
    // Discovery of an unknown tenant: 400 invalid_tenant, as the real endpoint answers.
    return fail(res, state, { ...Failures.tenantNotFound(tenantName), error: 'invalid_tenant' });
  }
  if (what.startsWith('oauth2')) return token(req, res, state, tenant);
  if (req.method !== 'GET') return reply(res, 405, JSON.stringify({ error: 'invalid_request' }));
  if (what.startsWith('discovery')) return reply(res, 200, JSON.stringify(await state.keys.jwks()));
  return reply(res, 200, JSON.stringify(configuration(originOf(req), tenant)));
}
