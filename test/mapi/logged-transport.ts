// Test support (not a test): a MAPI transport under Wine whose test provider logs what it was asked to send
// to a fresh file; the body gets both, and the transport is closed after whatever happens.
import { createMapiTransport, type MapiTransportDeps } from '../../agent/transports/mapi/index.ts';
import { mapiSettings } from './settings.ts';
import type { Wine } from './wine.ts';

export async function withLoggedTransport(wine: Wine, profile: string, env: Record<string, string>,
  body: (t: ReturnType<typeof createMapiTransport>, log: string) => Promise<void>, deps: Omit<MapiTransportDeps, 'env'> = {}): Promise<void> {
  const log = wine.newLog();
  const t = createMapiTransport(mapiSettings(profile), { ...deps, env: wine.env({ MAPI_TEST_PROVIDER_LOG: log, ...env }) });
  try {
    await body(t, log);
  } finally {
    await t.close();
  }
}
