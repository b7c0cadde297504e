// createTransport (factory-contract.ts): picks the transport for the settings and imports its module only
// then — ews-javascript-api costs ~335 ms and ~50 MB to load, and the MAPI helper is Windows-only.
import type { LoadedConfig } from '../config/settings.ts';
import { AgentError, ErrorCodes } from '../errors.ts';
import type { CreateTransport, TransportDeps } from './factory-contract.ts';
import type { Transport } from './transport.ts';

export const createTransport: CreateTransport = async (config: LoadedConfig, deps: TransportDeps = {}): Promise<Transport> => {
  if (config.settings.service === 'ews') {
    const { createEwsTransport } = await import('./ews/index.ts');
    return createEwsTransport(config, deps);
  }
  return createMapiTransport(config, deps);
};

/** MAPI is wired by the lead once ./mapi/index.ts exists (it will `import('./mapi/index.ts')` here). */
function createMapiTransport(_config: LoadedConfig, _deps: TransportDeps): Promise<Transport> {
  return Promise.reject(new AgentError(ErrorCodes.PlatformUnsupported, 'the MAPI transport is not available in this build'));
}
