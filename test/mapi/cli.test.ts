// `mail-agent mapi profiles` through main(): under Wine when present, and the off-Windows refusal everywhere.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../agent/cli/main.ts';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { captureIo } from '../helpers/io.ts';
import { mapiSettingsYaml } from './agent-rig.ts';
import { readLog, wineTests } from './wine.ts';

test('mapi profiles without a helper off Windows → exit 69 with how to run it', async () => {
  if (process.platform === 'win32') return;
  const io = captureIo({ env: {} });
  assert.is(await main(['mapi', 'profiles'], io), 69);
  assert.match(io.err(), /MAIL_AGENT_MAPI_HELPER/);
});

test('mapi with a wrong subcommand or output → usage, exit 64', async () => {
  assert.is(await main(['mapi', 'list'], captureIo()), 64);
  assert.is(await main(['mapi', 'profiles', '-o', 'yaml'], captureIo()), 64);
});

wineTests('test/mapi/cli.test.ts', test, (wine) => {
  test('mapi profiles lists the profiles, default marked (text and -o json)', async () => {
    const text = captureIo({ env: wine().env({ MAPI_TEST_PROFILES: 'Outlook,Notifications*,Ärger' }) });
    assert.is(await main(['mapi', 'profiles'], text), 0, text.err());
    assert.equal(text.out().split('\n').filter(Boolean), ['  Outlook', '* Notifications  (default)', '  Ärger']);
    const json = captureIo({ env: wine().env() });
    assert.is(await main(['mapi', 'profiles', '-o', 'json'], json), 0, json.err());
    assert.equal(JSON.parse(json.out()), { profiles: [{ name: 'Outlook', default: true }, { name: 'Notifications', default: false }] });
  });

  test('mail-agent test (Test Settings) through a named profile: verify names profile, client and helper; one message', async () => {
    const config = path.join(wine().tmp, 'test-settings.yaml');
    writeFileSync(config, mapiSettingsYaml({ profile: 'Notifications' }));
    const log = wine().newLog();
    const io = captureIo({ env: wine().env({ MAPI_TEST_PROVIDER_LOG: log }), cwd: wine().tmp });
    assert.is(await main(['test', '--config', config, '--to', 'ops@contoso.test'], io), 0, io.out() + io.err());
    assert.match(io.out(), /verify: ok in \d+ ms — mapi Notifications via Mail Agent Test Provider, 64-bit \(mapi-helper [\d.]+, 64-bit\), online store/);
    const records = readLog(log);
    assert.equal(records.map((r) => [r.profile, r.recipients[0]?.PR_EMAIL_ADDRESS_W]), [['Notifications', 'ops@contoso.test']]);
  });

  test('mapi profiles with a wrong-bitness provider → exit 69 and the reason', async () => {
    wine().useProvider('x86');
    try {
      const io = captureIo({ env: wine().env() });
      assert.is(await main(['mapi', 'profiles'], io), 69);
      assert.match(io.err(), /32-bit but this helper is 64-bit/);
    } finally {
      wine().useProvider('x64');
    }
  });
});

test.run();
