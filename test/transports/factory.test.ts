// createTransport loads ews-javascript-api only for EWS settings; MAPI is a clear placeholder for now.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRequire } from 'node:module';
import { isAgentError } from '../../agent/errors.ts';
import { createTransport } from '../../agent/transports/index.ts';
import { ewsConfig } from './helpers/config.ts';

const require = createRequire(import.meta.url);
const libraryLoaded = (): boolean => Object.keys(require.cache).some((key) => key.includes('ews-javascript-api'));

test('service mapi: PlatformUnsupported, without loading ews-javascript-api', async () => {
  const base = ewsConfig({ url: 'https://127.0.0.1:9/EWS/Exchange.asmx' }, { password: 'x' });
  const config = { ...base, settings: { ...base.settings, service: 'mapi' as const, ews: undefined, mapi: { profile: 'default' } } };
  const error = await createTransport(config).then(() => undefined, (e: unknown) => e);
  assert.ok(isAgentError(error) && error.code === 'PlatformUnsupported');
  assert.is(libraryLoaded(), false);
});

test('service ews: the library is loaded on demand and nothing is contacted before verify', async () => {
  const transport = await createTransport(ewsConfig({ url: 'https://127.0.0.1:9/EWS/Exchange.asmx', username: 'u' }, { password: 'x' }));
  assert.is(libraryLoaded(), true);
  await transport.close();
});

test.run();
