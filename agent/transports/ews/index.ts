// Entry point of the EWS transport, imported lazily by ../index.ts: this module loads ews-javascript-api.
// First import: defers @ewsjs/xhr, which ews-javascript-api would load for nothing.
import './defer-ewsjs-xhr.ts';
import type { LoadedConfig } from '../../config/settings.ts';
import { AgentError, ErrorCodes } from '../../errors.ts';
import { HttpClient } from '../../http/client.ts';
import type { TransportDeps } from '../factory-contract.ts';
import { AutodiscoverCache } from './autodiscover/cache.ts';
import { httpAuth } from './credentials.ts';
import { trustContext } from '../tls.ts';
import { EwsTransport } from './transport.ts';
import { XhrAdapter } from './xhr-adapter.ts';

export const defaultTimeoutMs = 30_000;

export async function createEwsTransport(config: LoadedConfig, deps: TransportDeps = {}): Promise<EwsTransport> {
  const ews = config.settings.ews;
  if (!ews) throw new AgentError(ErrorCodes.SemanticViolation, 'service ews needs an ews section');
  const tls = {
    rejectUnauthorized: ews.rejectInvalidCertificates, secureContext: await trustContext(ews.caFile), lookup: deps.lookup,
    ...(deps.resolver ? { resolver: deps.resolver } : {}),
  };
  const timeoutMs = deps.timeoutMs ?? defaultTimeoutMs;
  const pauses = deps.pauses ? { pauses: deps.pauses } : {};
  const locating = {
    ...(deps.resolver ? { resolver: deps.resolver } : {}),
    ...(deps.autodiscoverCache && ews.autodiscover !== undefined ? { cache: new AutodiscoverCache(deps.autodiscoverCache) } : {}),
  };
  if (ews.oauth) {
    // App-only OAuth (Exchange Online): tokens for Exchange Online's audience from the login host, and every
    // request routed (X-AnchorMailbox) and acting (ExchangeImpersonation) for the mailbox.
    const mailbox = ews.username ?? '';
    // Loaded only here: a password or NTLM account never pays for the OAuth modules.
    const { createTokenSource, outlookScope } = await import('../../oauth/index.ts');
    const login = new HttpClient({ auth: { kind: 'none' }, ...tls });
    const tokens = createTokenSource(ews.oauth, config.secrets, outlookScope(ews.oauth.cloud), login, timeoutMs);
    const client = new HttpClient({ auth: { kind: 'oauth', source: tokens, headers: { 'X-AnchorMailbox': mailbox } }, ...tls });
    return new EwsTransport(ews, client, new XhrAdapter(client, deps.onRequest), timeoutMs, { locating, app: { tokens, mailbox, clients: [login] }, ...pauses });
  }
  const client = new HttpClient({ auth: httpAuth(ews, config.secrets), ...tls });
  return new EwsTransport(ews, client, new XhrAdapter(client, deps.onRequest), timeoutMs, { locating, ...pauses });
}
