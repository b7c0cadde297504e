// The identity platform's error answers (RFC 6749 §5.2 with Microsoft's additions: error_codes with the
// AADSTS number, timestamp, trace and correlation ids, error_uri). Descriptions are the sandbox's own words
// for what each documented code means (learn.microsoft.com/entra/identity-platform/reference-error-codes).
import { randomUUID } from 'node:crypto';

export interface IdentityFailure {
  status: 400 | 401;
  error: 'invalid_request' | 'invalid_client' | 'unauthorized_client' | 'invalid_scope' | 'unsupported_grant_type' | 'invalid_tenant';
  code: number;
  description: string;
}

export const Failures = {
  tenantNotFound: (tenant: string): IdentityFailure => ({ status: 400, error: 'invalid_request', code: 90002, description: `Tenant '${tenant}' not found. Check that the tenant id or domain is right and that it belongs to this cloud.` }),
  appNotFound: (clientId: string, tenant: string): IdentityFailure => ({ status: 400, error: 'unauthorized_client', code: 700016, description: `Application with identifier '${clientId}' was not found in the directory '${tenant}'. The application may not be installed by the tenant's administrator or consented to in the tenant.` }),
  appDisabled: (clientId: string): IdentityFailure => ({ status: 400, error: 'unauthorized_client', code: 7000112, description: `Application '${clientId}' is disabled.` }),
  badSecret: (clientId: string): IdentityFailure => ({ status: 401, error: 'invalid_client', code: 7000215, description: `Invalid client secret provided. Send the client secret's value, not its id, for a secret added to app '${clientId}'.` }),
  expiredSecret: (clientId: string): IdentityFailure => ({ status: 401, error: 'invalid_client', code: 7000222, description: `The provided client secret keys for app '${clientId}' are expired. Create new keys for the app.` }),
  noCredential: (): IdentityFailure => ({ status: 401, error: 'invalid_client', code: 7000218, description: 'The request body must contain the following parameter: \'client_assertion\' or \'client_secret\'.' }),
  certificateUnknown: (clientId: string): IdentityFailure => ({ status: 401, error: 'invalid_client', code: 700027, description: `Client assertion failed signature validation: the key named by the assertion was not found among the certificates of app '${clientId}'.` }),
  certificateExpired: (clientId: string): IdentityFailure => ({ status: 401, error: 'invalid_client', code: 700027, description: `The certificate with identifier used to sign the client assertion is expired on application '${clientId}'.` }),
  badSignature: (): IdentityFailure => ({ status: 401, error: 'invalid_client', code: 700027, description: 'Client assertion failed signature validation.' }),
  assertionAppMismatch: (): IdentityFailure => ({ status: 401, error: 'invalid_client', code: 700021, description: 'Client assertion application identifier doesn\'t match \'client_id\' parameter.' }),
  assertionAudience: (): IdentityFailure => ({ status: 401, error: 'invalid_client', code: 700023, description: 'Client assertion audience claim does not match Realm issuer.' }),
  assertionTime: (): IdentityFailure => ({ status: 401, error: 'invalid_client', code: 700024, description: 'Client assertion is not within its valid time range.' }),
  badJwt: (why: string): IdentityFailure => ({ status: 401, error: 'invalid_client', code: 50027, description: `JWT token is invalid or malformed: ${why}.` }),
  badGrant: (): IdentityFailure => ({ status: 400, error: 'unsupported_grant_type', code: 70003, description: 'The app requested an unsupported grant type: this sandbox issues client_credentials only.' }),
  missing: (name: string): IdentityFailure => ({ status: 400, error: 'invalid_request', code: 900144, description: `The request body must contain the following parameter: '${name}'.` }),
  scopeNotDefault: (scope: string): IdentityFailure => ({ status: 400, error: 'invalid_scope', code: 1002012, description: `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).` }),
  resourceNotFound: (resource: string, tenant: string): IdentityFailure => ({ status: 400, error: 'invalid_request', code: 500011, description: `The resource principal named ${resource} was not found in the tenant named ${tenant}.` }),
} as const;

export function failureBody(f: IdentityFailure, now: Date): string {
  const trace = randomUUID();
  const correlation = randomUUID();
  const timestamp = now.toISOString().replace(/\.\d+Z$/, 'Z');
  return JSON.stringify({
    error: f.error,
    error_description: `AADSTS${f.code}: ${f.description} Trace ID: ${trace} Correlation ID: ${correlation} Timestamp: ${timestamp.replace('T', ' ').replace('Z', 'Z')}`,
    error_codes: [f.code], timestamp, trace_id: trace, correlation_id: correlation,
    error_uri: `https://login.microsoftonline.com/error?code=${f.code}`,
  });
}
