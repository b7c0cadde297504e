// The provider probe follows Windows' MAPI stub: a default mail client's MSIComponentID takes precedence over
// its DLLPathEx ("Mapi32.dll Stub Registry Settings"). Wine's stub reads only DLLPathEx, so the test client
// has both: DLLPathEx the 64-bit test provider, MSIComponentID the 32-bit stand-in that Windows Installer
// (msiexec under Wine) installed and published. Windows would load the 32-bit DLL: the helper must refuse.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMapiTransport } from '../../agent/transports/mapi/index.ts';
import { outgoing } from './messages.ts';
import { agentErrorOf as rejection } from '../helpers/agent-error.ts';
import { mapiSettings } from './settings.ts';
import { providerClientMsi, readLog, wineTests } from './wine.ts';

wineTests('test/mapi/probe.test.ts', test, (wine) => {
  test('MSIComponentID before DLLPathEx: the component Windows Installer resolves is 32-bit → PlatformUnsupported, nothing loaded or sent', async () => {
    wine().useProvider('msi');
    const log = wine().newLog();
    const t = createMapiTransport(mapiSettings('default'), { env: wine().env({ MAPI_TEST_PROVIDER_LOG: log }) });
    try {
      const err = await rejection(t.verify());
      assert.is(err.code, 'PlatformUnsupported');
      assert.is(err.transient, false);
      assert.match(err.message, new RegExp(`the registered MAPI provider \\(${providerClientMsi}, by its MSIComponentID\\) is 32-bit`));
      assert.match(err.message, /mapi32\.dll was not loaded/);
      assert.is((await rejection(t.send(outgoing({ text: 'x' })))).code, 'PlatformUnsupported');
      assert.is(readLog(log).length, 0);
    } finally {
      await t.close();
      wine().useProvider('x64');
    }
  });
}, ['msitools']);

test.run();
