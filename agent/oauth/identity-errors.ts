// The identity platform's refusals (RFC 6749 error answers with Microsoft's `error_codes`, the AADSTS
// numbers of learn.microsoft.com/entra/identity-platform/reference-error-codes) as AgentErrors with a
// precise code and the AADSTS code as serverCode. Messages are ours: they name the tenant, the client id
// or the certificate's thumbprint, never a secret.
import { AgentError, ErrorCodes, type ErrorCode } from '../errors.ts';
import type { HttpResponse } from '../http/exchange.ts';
import { retryAfterMs } from './retry-after.ts';

export interface IdentityContext {
  tenant: string;
  clientId: string;
  authority: string;
  /** The certificate's x5t#S256 and expiry, when a certificate signs. */
  certificate?: { thumbprintSha256: string; notAfter: Date };
  now: number;
}

interface Known { code: ErrorCode; why: (c: IdentityContext) => string }

const assertionRefused: Known = {
  code: ErrorCodes.ClientCertificateRejected,
  why: (c) => `the client assertion signed by certificate x5t#S256 ${c.certificate?.thumbprintSha256 ?? '?'} was refused`,
};

const known: Record<number, Known> = {
  90002: { code: ErrorCodes.TenantNotFound, why: (c) => `tenant ${c.tenant} does not exist at ${c.authority}: check tenant (its id or a domain of it) and cloud` },
  90013: { code: ErrorCodes.TenantNotFound, why: (c) => `tenant ${c.tenant} is not a valid tenant at ${c.authority}` },
  700016: { code: ErrorCodes.ApplicationNotFound, why: (c) => `application ${c.clientId} was not found in tenant ${c.tenant}: check clientId, and that the app is registered (or admin-consented) in this tenant` },
  7000112: { code: ErrorCodes.ApplicationDisabled, why: (c) => `application ${c.clientId} is disabled in tenant ${c.tenant}` },
  7000215: { code: ErrorCodes.ClientSecretInvalid, why: (c) => `the client secret is not a current secret of application ${c.clientId}: give the secret's value (not its id), or a new secret` },
  7000222: { code: ErrorCodes.ClientSecretExpired, why: (c) => `the client secret of application ${c.clientId} has expired: create a new one and update clientSecret` },
  700027: {
    code: ErrorCodes.ClientCertificateRejected,
    why: (c) => c.certificate && c.certificate.notAfter.getTime() < c.now
      ? `certificate x5t#S256 ${c.certificate.thumbprintSha256} expired on ${c.certificate.notAfter.toISOString()}: make a new one, register it on application ${c.clientId} and update certificate`
      : `the signature of the client assertion was not accepted: is certificate x5t#S256 ${c.certificate?.thumbprintSha256 ?? '?'} registered on application ${c.clientId}, and still valid?`,
  },
  700024: { code: ErrorCodes.ClientCertificateRejected, why: () => 'the client assertion is outside its valid time range: is this machine\'s clock right?' },
  700021: assertionRefused,
  700023: assertionRefused,
  50027: assertionRefused,
  65001: { code: ErrorCodes.ConsentMissing, why: (c) => `no administrator has consented to application ${c.clientId}'s permissions in tenant ${c.tenant}: grant admin consent` },
  650056: { code: ErrorCodes.ConsentMissing, why: (c) => `application ${c.clientId} is misconfigured or not consented in tenant ${c.tenant}: check its API permissions and grant admin consent` },
  500011: { code: ErrorCodes.ConsentMissing, why: (c) => `the resource asked for is not available in tenant ${c.tenant} (no service principal): is Exchange Online licensed there, and the cloud right?` },
};

/** The first AADSTS number of an error answer: `error_codes`, else the `AADSTSnnnn` its description starts with. */
function aadstsOf(body: Record<string, unknown>): number | undefined {
  const codes = body.error_codes;
  if (Array.isArray(codes) && typeof codes[0] === 'number') return codes[0];
  const match = typeof body.error_description === 'string' ? /AADSTS(\d+)/.exec(body.error_description) : null;
  return match ? Number(match[1]) : undefined;
}

function jsonOf(response: HttpResponse): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(response.body.toString('utf8')) as unknown;
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

/** An AgentError for a failed discovery or token request. */
export function identityError(response: HttpResponse, context: IdentityContext, what: string): AgentError {
  const host = new URL(context.authority).host;
  if (response.status === 429 || response.status >= 500) {
    const code = response.status === 429 ? ErrorCodes.ServerBusy : ErrorCodes.ServerUnavailable;
    return new AgentError(code, `${host} could not answer the ${what} (HTTP ${response.status})`,
      { transient: true, backoffMs: retryAfterMs(response.headers['retry-after']) });
  }
  const body = jsonOf(response);
  const aadsts = body ? aadstsOf(body) : undefined;
  if (aadsts === undefined) {
    return new AgentError(ErrorCodes.ProtocolError, `${host} answered the ${what} with HTTP ${response.status} and no identity platform error: is ${host} a Microsoft login host?`);
  }
  const serverCode = `AADSTS${aadsts}`;
  const entry = known[aadsts];
  if (entry) return new AgentError(entry.code, `${entry.why(context)} (${serverCode})`, { serverCode });
  const error = typeof body?.error === 'string' && /^[a-z_]{1,40}$/.test(body.error) ? `, ${body.error}` : '';
  return new AgentError(ErrorCodes.AuthFailed, `${host} refused the ${what} for application ${context.clientId} (${serverCode}${error})`, { serverCode });
}
