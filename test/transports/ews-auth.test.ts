// verify + send through the real sandbox with Basic, NTLM and Bearer; wrong credentials → AuthFailed.
// Every captured request body must validate against Microsoft's EWS schema.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { EwsAuth, Secrets } from '../../agent/config/settings.ts';
import { isAgentError } from '../../agent/errors.ts';
import { createTransport } from '../../agent/transports/index.ts';
import { ewsConfig } from './helpers/config.ts';
import { watchUnhandled, type UnhandledWatch } from './helpers/unhandled.ts';
import { outgoing } from './helpers/mime.ts';
import { account, startTestSandbox, token, type TestSandbox } from './helpers/sandbox.ts';
import { validateEnvelopes } from '../helpers/ews-schema.ts';

let sandbox: TestSandbox;
let unhandled: UnhandledWatch;
const captured: string[] = [];

test.before(async () => {
  unhandled = watchUnhandled();
  sandbox = await startTestSandbox();
});
test.after(async () => { await sandbox.cleanup(); });

const secretsFor = (auth: EwsAuth): Secrets => (auth === 'oauth' ? { token } : { password: account.password });

for (const auth of ['basic', 'ntlm', 'oauth'] as const) {
  test(`${auth}: verify proves the server, send delivers`, async () => {
    const config = ewsConfig({ url: sandbox.url, auth, username: auth === 'oauth' ? undefined : account.username, caFile: sandbox.caPath }, secretsFor(auth));
    const transport = await createTransport(config, { timeoutMs: 5000, onRequest: (body) => captured.push(body) });
    try {
      const info = await transport.verify();
      assert.equal(info.service, 'ews');
      assert.equal(info.endpoint, sandbox.url);
      assert.equal(info.auth, auth);
      assert.equal(info.serverVersion, 'Exchange2016');
      assert.equal(info.serverBuild, '15.1.2507.6');
      const message = await outgoing({ from: account.email, to: ['ops@contoso.test'], subject: `via ${auth}`, text: 'hello' });
      const result = await transport.send(message);
      assert.equal(result.messageId, message.messageId);
      const delivered = (await sandbox.deliveries()).find((d) => d.messageId === message.messageId);
      assert.ok(delivered, 'the sandbox recorded the delivery');
      assert.equal(delivered.to, ['ops@contoso.test']);
      assert.equal(delivered.subject, `via ${auth}`);
    } finally {
      await transport.close();
    }
  });
}

for (const auth of ['basic', 'ntlm'] as const) {
  test(`${auth}: a wrong password is AuthFailed, not transient, and never echoed`, async () => {
    const config = ewsConfig({ url: sandbox.url, auth, username: account.username, caFile: sandbox.caPath }, { password: 'wrong-Secret-42' });
    const transport = await createTransport(config, { timeoutMs: 5000 });
    try {
      const error = await transport.verify().then(() => undefined, (e: unknown) => e);
      assert.ok(isAgentError(error), 'an AgentError');
      assert.equal(error.code, 'AuthFailed');
      assert.equal(error.transient, false);
      assert.not.match(error.message, 'wrong-Secret-42');
    } finally {
      await transport.close();
    }
  });
}

test('ntlm with a UPN (user@domain) account name', async () => {
  const config = ewsConfig({ url: sandbox.url, auth: 'ntlm', username: account.email, caFile: sandbox.caPath }, { password: account.password });
  const transport = await createTransport(config, { timeoutMs: 5000 });
  try {
    assert.is((await transport.verify()).account, account.email);
  } finally {
    await transport.close();
  }
});

test('oauth: a wrong token is AuthFailed', async () => {
  const config = ewsConfig({ url: sandbox.url, auth: 'oauth', caFile: sandbox.caPath }, { token: 'not-the-token' });
  const transport = await createTransport(config, { timeoutMs: 5000 });
  try {
    const error = await transport.verify().then(() => undefined, (e: unknown) => e);
    assert.ok(isAgentError(error) && error.code === 'AuthFailed');
  } finally {
    await transport.close();
  }
});

test('every request sent validates against the EWS schema', async () => {
  assert.ok(captured.length >= 6, 'requests were captured');
  assert.ok(captured.some((body) => body.includes('MessageDisposition="SendAndSaveCopy"')));
  await validateEnvelopes(captured);
});

test('no unhandled rejection escaped (one after the last test fails the file at exit)', () => {
  assert.equal(unhandled.seen, []);
});

test.run();
