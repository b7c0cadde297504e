// version: auto detects the server's version (stepping down on ErrorInvalidServerVersion); an explicit
// version is sent as given; a mailbox moved to an older server while running is found again, and the
// transport's currentInfo() says so (the agent's status follows it).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ExchangeVersion } from '../../agent/config/settings.ts';
import { isAgentError, toAgentError, type AgentError } from '../../agent/errors.ts';
import type { TransportInfo } from '../../agent/transports/transport.ts';
import { createTransport } from '../../agent/transports/index.ts';
import type { ExchangeVersion as SandboxVersion } from '../../agent/sandbox/index.ts';
import { ewsConfig } from './helpers/config.ts';
import { outgoing } from './helpers/mime.ts';
import { account, startTestSandbox } from './helpers/sandbox.ts';
import { validateEnvelopes } from '../helpers/ews-schema.ts';

async function against(serverVersion: SandboxVersion, version: 'auto' | ExchangeVersion) {
  const sandbox = await startTestSandbox({ version: serverVersion });
  const requests: string[] = [];
  const config = ewsConfig({ url: sandbox.url, auth: 'basic', username: account.username, caFile: sandbox.caPath, version }, { password: account.password });
  const transport = await createTransport(config, { timeoutMs: 5000, onRequest: (body) => requests.push(body) });
  try {
    const info: TransportInfo | AgentError = await transport.verify().catch(toAgentError);
    if (!isAgentError(info)) await transport.send(await outgoing({ from: account.email, to: ['ops@contoso.test'], subject: 'v', text: 'x' }));
    return { info, requests };
  } finally {
    await transport.close();
    await sandbox.cleanup();
  }
}

const versionsOf = (requests: string[]) => requests.map((body) => /RequestServerVersion Version="([^"]+)"/.exec(body)?.[1]);

test('auto against Exchange 2010 SP2: steps down to Exchange2010_SP2 and sends with it', async () => {
  const { info, requests } = await against('Exchange2010_SP2', 'auto');
  assert.ok(!isAgentError(info));
  assert.equal([info.serverVersion, info.serverBuild], ['Exchange2010_SP2', '14.3.513.0']);
  assert.equal(versionsOf(requests), ['Exchange2016', 'Exchange2013_SP1', 'Exchange2013', 'Exchange2010_SP2', 'Exchange2010_SP2']);
  await validateEnvelopes(requests);
});

test('auto against Exchange 2016: Exchange2016 from the first answer', async () => {
  const { info, requests } = await against('Exchange2016', 'auto');
  assert.ok(!isAgentError(info));
  assert.equal([info.serverVersion, info.serverBuild], ['Exchange2016', '15.1.2507.6']);
  assert.equal(versionsOf(requests), ['Exchange2016', 'Exchange2016']);
});

test('auto against Exchange 2013 SP1 maps the build (15.0.1497) to Exchange2013_SP1', async () => {
  const { info } = await against('Exchange2013_SP1', 'auto');
  assert.ok(!isAgentError(info));
  assert.is(info.serverVersion, 'Exchange2013_SP1');
});

test('an explicit version is used as given', async () => {
  const { info, requests } = await against('Exchange2016', 'Exchange2010');
  assert.ok(!isAgentError(info));
  assert.is(info.serverVersion, 'Exchange2010');
  assert.equal(versionsOf(requests), ['Exchange2010', 'Exchange2010']);
});

test('an explicit version the server refuses is InvalidServerVersion, permanent, with no step-down', async () => {
  const { info, requests } = await against('Exchange2010_SP2', 'Exchange2016');
  assert.ok(isAgentError(info));
  assert.equal([info.code, info.transient, info.serverCode], ['InvalidServerVersion', false, 'ErrorInvalidServerVersion']);
  assert.is(requests.length, 1);
});

test('the mailbox moves to an older server after verify: the refused send is retried, the version found again, and currentInfo() shows it', async () => {
  const sandbox = await startTestSandbox({ version: 'Exchange2016' });
  const config = ewsConfig({ url: sandbox.url, auth: 'basic', username: account.username, caFile: sandbox.caPath, version: 'auto' }, { password: account.password });
  const transport = await createTransport(config, { timeoutMs: 5000 });
  try {
    const verified = await transport.verify();
    assert.equal([verified.serverVersion, transport.currentInfo?.()?.serverVersion], ['Exchange2016', 'Exchange2016']);
    sandbox.setLimits({ mailboxVersion: 'Exchange2010_SP2' });
    const message = await outgoing({ from: account.email, to: ['ops@contoso.test'], subject: 'moved', text: 'x' });
    const refused = await transport.send(message).catch(toAgentError);
    assert.ok(isAgentError(refused));
    assert.is(refused.serverCode, 'ErrorInvalidSchemaVersionForMailboxVersion');
    assert.is(transport.currentInfo?.()?.serverVersion, 'Exchange2016', 'nothing learned yet');
    await transport.send(message);
    assert.equal([transport.currentInfo?.()?.serverVersion, transport.currentInfo?.()?.endpoint], ['Exchange2010_SP2', verified.endpoint]);
    assert.is((await sandbox.deliveries()).length, 1);
  } finally {
    await transport.close();
    await sandbox.cleanup();
  }
});

test.run();
