// Exchange throttles per account: a pause the server asked for holds for every EWS transport the agent makes
// for the same endpoint and account (new settings), through the agent's one book of pauses (SharedPauses).
// The new transport's verify and sends ask nothing of the server until the pause is over; another account,
// or a transport made without the book (as `mail-agent test` makes one), is not held.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isAgentError, toAgentError } from '../../agent/errors.ts';
import { buildDirectory } from '../../agent/sandbox/users.ts';
import { SharedPauses } from '../../agent/throttle/shared-pauses.ts';
import { createTransport } from '../../agent/transports/index.ts';
import type { Transport } from '../../agent/transports/transport.ts';
import { ewsConfig } from './helpers/config.ts';
import { outgoing } from './helpers/mime.ts';
import { account, startTestSandbox, type TestSandbox } from './helpers/sandbox.ts';

const other = { username: 'CONTOSO\\svc-other', password: 'Other-Passw0rd!', email: 'svc-other@contoso.test' };
let sandbox: TestSandbox;
const open: Transport[] = [];
/** Requests that reached the sandbox. */
let requests = 0;

test.before(async () => {
  sandbox = await startTestSandbox({ directory: buildDirectory({ users: [account, other] }), tap: () => { requests += 1; } });
});
test.after(async () => {
  await Promise.all(open.map((t) => t.close()));
  await sandbox.cleanup();
});

async function transport(who: { username: string; password: string }, pauses: SharedPauses | undefined, saveCopy = true): Promise<Transport> {
  const config = ewsConfig({ url: sandbox.url, auth: 'basic', username: who.username, caFile: sandbox.caPath, saveCopy }, { password: who.password });
  const t = await createTransport(config, { timeoutMs: 5000, ...(pauses ? { pauses } : {}) });
  open.push(t);
  return t;
}

test('a busy answer to one transport holds the next one for the same account and server: its verify and send ask nothing until the pause is over; another account, or no shared book, is not held', async () => {
  const pauses = new SharedPauses();
  const before = await transport(account, pauses);
  await before.verify();
  sandbox.setFaults([{ kind: 'busy', count: 1, backoffMs: 120_000 }]);
  const message = await outgoing({ from: account.email, to: ['ops@contoso.test'], subject: 'busy', text: 'x' });
  const busy = await before.send(message).catch(toAgentError);
  assert.ok(isAgentError(busy));
  assert.equal([busy.code, busy.serverCode], ['ServerBusy', 'ErrorServerBusy']);
  const seen = requests;

  // New settings (saveCopy changed): a new transport, the same endpoint and account.
  const after = await transport(account, pauses, false);
  const refused = await after.verify().catch(toAgentError);
  assert.ok(isAgentError(refused));
  assert.equal([refused.code, refused.transient], ['ServerBusy', true]);
  assert.match(refused.message, /asked this account to pause until/);
  assert.ok((refused.backoffMs ?? 0) > 100_000, `the reconciler retries after the pause: ${refused.backoffMs}`);
  const held = await after.send(message).catch(toAgentError);
  assert.ok(isAgentError(held));
  assert.is(held.code, 'ServerBusy');
  assert.is(requests, seen, 'nothing reached the server from the new transport');
  assert.is((await sandbox.deliveries()).length, 0);

  // Another account has its own budget; a transport without the agent's book (mail-agent test) its own pause.
  assert.is((await (await transport(other, pauses)).verify()).serverVersion, 'Exchange2016');
  assert.is((await (await transport(account, undefined)).verify()).serverVersion, 'Exchange2016');
  assert.ok(requests > seen);
});

test.run();
