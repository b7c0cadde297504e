// Server faults become the right AgentError within the deadline, the transport recovers on the next call
// (after a busy answer: once the pause it asked for is over, sending nothing before), and no library
// promise ever escapes as an unhandled rejection.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isAgentError, type AgentError } from '../../agent/errors.ts';
import { createTransport } from '../../agent/transports/index.ts';
import type { Transport } from '../../agent/transports/transport.ts';
import type { EwsTransport } from '../../agent/transports/ews/transport.ts';
import type { FaultKind } from '../../agent/sandbox/index.ts';
import { ewsConfig } from './helpers/config.ts';
import { watchUnhandled, type UnhandledWatch } from './helpers/unhandled.ts';
import { outgoing } from './helpers/mime.ts';
import { account, startTestSandbox, type TestSandbox } from './helpers/sandbox.ts';
import { waitFor } from '../helpers/wait.ts';

let sandbox: TestSandbox;
let transport: Transport;
let unhandled: UnhandledWatch;
/** When each EWS request reached the sandbox. */
const requestTimes: number[] = [];
/** Requests the sandbox held without an answer (an injected stall). */
let stalled = 0;

test.before(async () => {
  unhandled = watchUnhandled();
  sandbox = await startTestSandbox({ tap: (e) => { requestTimes.push(Date.now()); if (e.injected === 'stall') stalled += 1; } });
  const config = ewsConfig({ url: sandbox.url, auth: 'ntlm', username: account.username, caFile: sandbox.caPath }, { password: account.password });
  transport = await createTransport(config, { timeoutMs: 1500 });
  await transport.verify();
});
test.after(async () => {
  await transport.close();
  await sandbox.cleanup();
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

/** After a busy answer the transport sends nothing until the pause is over: a send now waits for its end. */
async function afterPause(error: AgentError): Promise<void> {
  const until = (transport as EwsTransport).pausedUntil();
  const now = Date.now();
  assert.ok(until > now, 'paused');
  if (error.backoffMs !== undefined) assert.ok(until - now <= error.backoffMs, 'as long as advised');
  const requestsBefore = requestTimes.length;
  const held = await message('inside the pause');
  await transport.send(held);
  assert.ok(Date.now() >= until, 'sent once the pause was over');
  assert.ok(requestTimes.slice(requestsBefore).every((t) => t >= until), 'no request inside the pause');
  assert.ok((await sandbox.deliveries()).some((d) => d.messageId === held.messageId));
}

const cases: [FaultKind, string, boolean][] = [
  // HTTP 503: "EWS requests are queuing with IIS": throttling (a pause: 1 s without Retry-After).
  ['unavailable', 'ServerBusy', true],
  ['connlimit', 'ServerBusy', true],
  ['internal200', 'ServerBusy', true],
  ['html500', 'ServerError', true],
  // One message: its request keeps the request timeout (a batch would wait Exchange's minute on top).
  ['stall', 'Timeout', true],
  ['badxml', 'ProtocolError', true],
];

for (const [kind, code, transient] of cases) {
  test(`${kind} → ${code} (transient ${transient}), then the next send succeeds`, async () => {
    const { error } = await sendWithFault(kind);
    assert.equal([error.code, error.transient], [code, transient]);
    if (code === 'ServerBusy') await afterPause(error);
    const after = await message(`after ${kind}`);
    assert.is((await transport.send(after)).messageId, after.messageId);
  });
}


// Over plain HTTP: the sandbox's reset (resetAndDestroy) throws on TLS sockets for now.
test('reset (TCP RST mid-answer) → ConnectionFailed (transient), then the next send succeeds', async () => {
  const plain = await startTestSandbox({ http: true });
  const config = ewsConfig({ url: plain.url, auth: 'ntlm', username: account.username, allowInsecureHttp: true }, { password: account.password });
  const overHttp = await createTransport(config, { timeoutMs: 1500 });
  try {
    plain.setFaults([{ kind: 'reset', count: 1 }]);
    const error = await overHttp.send(await message('fault reset')).then(() => undefined, (e: unknown) => e);
    assert.ok(isAgentError(error));
    assert.equal([error.code, error.transient], ['ConnectionFailed', true]);
    const after = await message('after reset');
    assert.is((await overHttp.send(after)).messageId, after.messageId);
  } finally {
    await overHttp.close();
    await plain.cleanup();
  }
});

test('the caller\'s signal cancels a stalled send before the deadline', async () => {
  sandbox.setFaults([{ kind: 'stall', count: 1 }]);
  const controller = new AbortController();
  const before = stalled;
  const sending = transport.send(await message('cancelled'), controller.signal).then(() => undefined, (e: unknown) => e);
  await waitFor(() => stalled > before, 'the send held by the server');
  controller.abort();
  const error = await sending;
  sandbox.setFaults([]);
  assert.ok(isAgentError(error));
  assert.is(error.code, 'Timeout');
  assert.match(error.message, 'cancelled');
});

test('ErrorServerBusy → ServerBusy with the server\'s BackOffMilliseconds; nothing is sent before it is over', async () => {
  const { error } = await sendWithFault('busy', 432);
  assert.equal([error.code, error.transient, error.backoffMs, error.serverCode], ['ServerBusy', true, 432, 'ErrorServerBusy']);
  await afterPause(error);
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

test('mixed random faults under parallel sends: every failure is a coded AgentError', async () => {
  sandbox.setFaults([
    { kind: 'busy', probability: 0.15 }, { kind: 'html500', probability: 0.15 },
    { kind: 'unavailable', probability: 0.15 }, { kind: 'badxml', probability: 0.15 },
  ]);
  const outcomes = await Promise.all(Array.from({ length: 30 }, async (_, i) =>
    transport.send(await message(`mixed ${i}`)).then(() => 'sent', (e: unknown) => (isAgentError(e) ? e.code : `not an AgentError: ${String(e)}`))));
  sandbox.setFaults([]);
  const allowed = new Set(['sent', 'ServerBusy', 'ServerError', 'ProtocolError']);
  assert.equal(outcomes.filter((o) => !allowed.has(o)), []);
});

test('after the server restarts, the next send re-authenticates NTLM on a new connection', async () => {
  const first = await startTestSandbox();
  const config = ewsConfig({ url: first.url, auth: 'ntlm', username: account.username, rejectInvalidCertificates: false }, { password: account.password });
  const restarted = await createTransport(config, { timeoutMs: 3000 }) as EwsTransport;
  let second: TestSandbox | undefined;
  try {
    await restarted.send(await message('before restart'));
    await first.close();
    second = await startTestSandbox({ port: first.port });
    const after = await message('after restart');
    await restarted.send(after);
    assert.ok((await second.deliveries()).some((d) => d.messageId === after.messageId));
    assert.equal(restarted.connectionStats(), { socketsOpened: 2, ntlmHandshakes: 2 });
  } finally {
    await restarted.close();
    await second?.cleanup();
    await first.cleanup();
  }
});

test('no unhandled rejection escaped (one after the last test fails the file at exit)', () => {
  assert.equal(unhandled.seen, []);
});

test.run();
