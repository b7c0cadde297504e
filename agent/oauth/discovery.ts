// The tenant's OpenID configuration, read before the first token request as MSAL does: it names the token
// endpoint (and proves the tenant exists — an unknown one answers AADSTS90002 here). The endpoint must be
// https on the authority's own host: a discovery answer cannot send the credentials elsewhere.
import { AgentError, ErrorCodes } from '../errors.ts';
import type { HttpClient } from '../http/client.ts';
import { deadline } from '../deadline.ts';
import { identityError, type IdentityContext } from './identity-errors.ts';

export interface OpenIdConfiguration {
  tokenEndpoint: string;
  issuer: string;
}

export async function discover(http: HttpClient, context: IdentityContext, timeoutMs: number, signal?: AbortSignal): Promise<OpenIdConfiguration> {
  const url = new URL(`${context.authority}/v2.0/.well-known/openid-configuration`);
  const bound = deadline(timeoutMs, signal);
  let response;
  try {
    response = await http.request({ method: 'GET', url, headers: { Accept: 'application/json' }, body: Buffer.alloc(0), signal: bound.signal, anonymous: true });
  } finally {
    bound.dispose();
  }
  if (response.status !== 200) throw identityError(response, context, 'OpenID configuration request');
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(response.body.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new AgentError(ErrorCodes.ProtocolError, `${url.host} answered the OpenID configuration request with no JSON`, { transient: true });
  }
  const endpoint = typeof doc.token_endpoint === 'string' && URL.canParse(doc.token_endpoint) ? new URL(doc.token_endpoint) : undefined;
  if (!endpoint || endpoint.protocol !== 'https:' || endpoint.host !== url.host) {
    throw new AgentError(ErrorCodes.ProtocolError, `${url.host}'s OpenID configuration names no https token endpoint on ${url.host}`);
  }
  return { tokenEndpoint: endpoint.href, issuer: typeof doc.issuer === 'string' ? doc.issuer : '' };
}
