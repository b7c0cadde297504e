// Refusals under Wine: unknown profile, failed logon, failed submit, a provider of the wrong bitness.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AgentError } from '../../agent/errors.ts';
import { createMapiTransport } from '../../agent/transports/mapi/index.ts';
import { outgoing } from './messages.ts';
import { agentErrorOf as rejection } from '../helpers/agent-error.ts';
import { mapiSettings } from './settings.ts';
import { readLog, wineTests } from './wine.ts';

wineTests('test/mapi/failures.test.ts', test, (wine) => {
  /** What verify of `profile` is refused with under Wine with `env` (the transport closed after). */
  async function verifyRefusal(profile: string, env: Record<string, string> = {}): Promise<AgentError> {
    const t = createMapiTransport(mapiSettings(profile), { env: wine().env(env) });
    try {
      return await rejection(t.verify());
    } finally {
      await t.close();
    }
  }

  test('an unknown profile → ProfileNotFound, permanent, without echoing the name', async () => {
    const err = await verifyRefusal('NoSuchProfile');
    assert.is(err.code, 'ProfileNotFound');
    assert.is(err.transient, false);
    assert.is(err.serverCode, 'MAPI_E_LOGON_FAILED');
    assert.not.match(err.message, /NoSuchProfile/);
  });

  test('no default profile → ProfileNotFound', async () => {
    assert.is((await verifyRefusal('default', { MAPI_TEST_PROFILES: 'Outlook,Notifications' })).code, 'ProfileNotFound');
  });

  test('a logon refused for a profile that exists → AuthFailed, not ProfileNotFound', async () => {
    const err = await verifyRefusal('Notifications', { MAPI_TEST_FAIL: 'logon' });
    assert.is(err.code, 'AuthFailed');
    assert.match(err.message, /MAPILogonEx/);
    assert.match(err.message, /0x80040111/);
  });

  test('a failed submit → transient ServerUnavailable naming the HRESULT; nothing recorded', async () => {
    const log = wine().newLog();
    const t = createMapiTransport(mapiSettings('default'), { env: wine().env({ MAPI_TEST_FAIL: 'submit', MAPI_TEST_PROVIDER_LOG: log }) });
    try {
      const err = await rejection(t.send(outgoing({ text: 'x' })));
      assert.is(err.code, 'ServerUnavailable');
      assert.is(err.transient, true);
      assert.is(err.serverCode, 'MAPI_E_NETWORK_ERROR');
      assert.match(err.message, /SubmitMessage/);
      assert.is(readLog(log).length, 0);
    } finally {
      await t.close();
    }
  });

  test('no MAPI provider registered → PlatformUnsupported asking whether Outlook is installed', async () => {
    wine().useProvider('none');
    try {
      const err = await verifyRefusal('default');
      assert.is(err.code, 'PlatformUnsupported');
      assert.is(err.serverCode, 'MAPI_E_NOT_INITIALIZED');
      assert.match(err.message, /no Extended MAPI provider is registered/);
    } finally {
      wine().useProvider('x64');
    }
  });

  test('a 32-bit provider → clear refusal before mapi32 is loaded', async () => {
    wine().useProvider('x86');
    const t = createMapiTransport(mapiSettings('default'), { env: wine().env() });
    try {
      const err = await rejection(t.verify());
      assert.is(err.code, 'PlatformUnsupported');
      assert.is(err.transient, false);
      assert.match(err.message, /32-bit but this helper is 64-bit/);
      assert.match(err.message, /mapi32\.dll was not loaded/);
      const sendErr = await rejection(t.send(outgoing({ text: 'x' })));
      assert.is(sendErr.code, 'PlatformUnsupported');
    } finally {
      await t.close();
      wine().useProvider('x64');
    }
  });
});

test.run();
