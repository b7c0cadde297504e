// Server faults become the right AgentError within the deadline, the transport recovers on the next call,
// and no library promise ever escapes as an unhandled rejection.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isAgentError, type AgentError } from '../../agent/errors.ts';
import { createTransport } from '../../agent/transports/index.ts';
import type { Transport } from '../../agent/transports/transport.ts';
import type { FaultKind } from '../../agent/sandbox/index.ts';
import { ewsConfig } from './helpers/config.ts';
import { outgoing } from './helpers/mime.ts';
import { account, startTestSandbox, type TestSandbox } from './helpers/sandbox.ts';

let sandbox: TestSandbox;
let transport: Transport;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => { unhandled.push(reason); };

test.before(async () => {
  process.on('unhandledRejection', onUnhandled);
  sandbox = await startTestSandbox();
  const config = ewsConfig({ url: sandbox.url, auth: 'ntlm', username: account.username, caFile: sandbox.caPath }, { password: account.password });
  transport = await createTransport(config, { timeoutMs: 1500 });
  await transport.verify();
});
test.after(async () => {
  await transport.close();
  await sandbox.cleanup();
  process.off('unhandledRejection', onUnhandled);
});

const message = (subject: string) => outgoing({ from: account.email, to: ['ops@contoso.test'], subject, text: 'x' });

async function sendWithFault(kind: FaultKind, backoffMs?: number): Promise<{ error: AgentError; messageId: string }> {
  sandbox.setFaults([{ kind, count: 1, backoffMs }]);
  const sent = await message(`fault ${kind}`);
  const error = await transport.send(sent).then(() => undefined, (e: unknown) => e);
  sandbox.setFaults([]);
  assert.ok(isAgentError(error), `${kind}: expected an AgentError, got ${String(error)}`);
  return { error, messageId: sent.messageId };
}

const cases: [FaultKind, string, boolean][] = [
  ['unavailable', 'ServerUnavailable', true],
  ['html500', 'ServerError', true],
  ['stall', 'Timeout', true],
  // ['reset', 'ConnectionFailed', true], — the sandbox's reset throws on TLS sockets (ERR_INVALID_HANDLE_TYPE) for now
  ['badxml', 'ProtocolError', true],
];

for (const [kind, code, transient] of cases) {
  test(`${kind} → ${code} (transient ${transient}), then the next send succeeds`, async () => {
    const { error } = await sendWithFault(kind);
    assert.equal([error.code, error.transient], [code, transient]);
    const after = await message(`after ${kind}`);
    assert.is((await transport.send(after)).messageId, after.messageId);
  });
}

test('ErrorServerBusy → ServerBusy with the server\'s BackOffMilliseconds', async () => {
  const { error } = await sendWithFault('busy', 4321);
  assert.equal([error.code, error.transient, error.backoffMs, error.serverCode], ['ServerBusy', true, 4321, 'ErrorServerBusy']);
});

test('a reply lost after the server sent the message: wasSent finds it in Sent Items', async () => {
  const { error, messageId } = await sendWithFault('badxml');
  assert.is(error.code, 'ProtocolError');
  assert.is(await transport.wasSent?.(messageId), true);
  assert.is(await transport.wasSent?.('<never-sent@agent.test>'), false);
});

test('From another mailbox without a grant → SendAsDenied with the server code', async () => {
  const denied = await outgoing({ from: 'ceo@contoso.test', to: ['ops@contoso.test'], subject: 'denied', text: 'x' });
  const error = await transport.send(denied).then(() => undefined, (e: unknown) => e);
  assert.ok(isAgentError(error));
  assert.equal([error.code, error.transient, error.serverCode], ['SendAsDenied', false, 'ErrorSendAsDenied']);
});

test('no unhandled rejection escaped', async () => {
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(unhandled, []);
});

test.run();
