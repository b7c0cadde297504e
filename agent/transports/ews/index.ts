// Entry point of the EWS transport, imported lazily by ../index.ts: this module loads ews-javascript-api.
// First import: defers @ewsjs/xhr, which ews-javascript-api would load for nothing.
import './defer-ewsjs-xhr.ts';
import type { LoadedConfig } from '../../config/settings.ts';
import { AgentError, ErrorCodes } from '../../errors.ts';
import { HttpClient } from '../../http/client.ts';
import type { TransportDeps } from '../factory-contract.ts';
import { AutodiscoverCache } from './autodiscover/cache.ts';
import { httpAuth } from './credentials.ts';
import { trustContext } from './tls.ts';
import { EwsTransport } from './transport.ts';
import { XhrAdapter } from './xhr-adapter.ts';

export const defaultTimeoutMs = 30_000;

export async function createEwsTransport(config: LoadedConfig, deps: TransportDeps = {}): Promise<EwsTransport> {
  const ews = config.settings.ews;
  if (!ews) throw new AgentError(ErrorCodes.SemanticViolation, 'service ews needs an ews section');
  const client = new HttpClient({
    auth: httpAuth(ews, config.secrets),
    rejectUnauthorized: ews.rejectInvalidCertificates,
    secureContext: await trustContext(ews.caFile),
    lookup: deps.lookup,
    ...(deps.resolver ? { resolver: deps.resolver } : {}),
  });
  return new EwsTransport(ews, client, new XhrAdapter(client, deps.onRequest), deps.timeoutMs ?? defaultTimeoutMs, {
    ...(deps.resolver ? { resolver: deps.resolver } : {}),
    ...(deps.autodiscoverCache && ews.autodiscover !== undefined ? { cache: new AutodiscoverCache(deps.autodiscoverCache) } : {}),
  });
}
