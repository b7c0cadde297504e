// createTransport (factory-contract.ts): picks the transport for the settings and imports its module only
// then — ews-javascript-api is the dearest part of a cold start (docs/performance.md), the MAPI helper is
// Windows-only, and the SMTP transport loads nodemailer's SMTP client.
import type { LoadedConfig } from '../config/settings.ts';
import type { CreateTransport, TransportDeps } from './factory-contract.ts';
import type { Transport } from './transport.ts';

export const createTransport: CreateTransport = async (config: LoadedConfig, deps: TransportDeps = {}): Promise<Transport> => {
  if (config.settings.service === 'ews') {
    const { createEwsTransport } = await import('./ews/index.ts');
    return createEwsTransport(config, deps);
  }
  if (config.settings.service === 'smtp') {
    const { createSmtpTransport } = await import('./smtp/index.ts');
    return createSmtpTransport(config, deps);
  }
  if (config.settings.service === 'graph') {
    const { createGraphTransport } = await import('./graph/index.ts');
    return createGraphTransport(config, deps);
  }
  const { createMapiTransport } = await import('./mapi/index.ts');
  return createMapiTransport(config.settings, deps);
};
