// The transport's process handling without Wine: a real stand-in helper process that crashes, hangs, or
// writes garbage, and the platform check. Runs everywhere.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AgentError } from '../../agent/errors.ts';
import { createMapiTransport } from '../../agent/transports/mapi/index.ts';
import { outgoing } from './messages.ts';
import { mapiSettings } from './settings.ts';
import { repoRoot } from './wine.ts';

const fake = path.join(repoRoot, 'test', 'mapi', 'fixtures', 'fake-helper.ts');
let tmp = '';
test.before(() => { tmp = mkdtempSync(path.join(os.tmpdir(), 'mapi-process-')); });
test.after(() => rmSync(tmp, { recursive: true, force: true }));

function fakeEnv(mode: string, starts: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    MAIL_AGENT_MAPI_HELPER: `"${process.execPath}" --import tsx "${fake}"`,
    FAKE_HELPER_MODE: mode,
    FAKE_HELPER_STARTS: starts,
  };
}

function startCount(file: string): number {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
}

/** Runs `body`, then closes the transport even when an assertion failed (a live helper keeps node running). */
async function using<T extends { close(): Promise<void> }>(t: T, body: (t: T) => Promise<void>): Promise<void> {
  try {
    await body(t);
  } finally {
    await t.close();
  }
}

async function rejection(promise: Promise<unknown>): Promise<AgentError> {
  const err: unknown = await promise.then(() => undefined, (e: unknown) => e);
  assert.instance(err, AgentError);
  return err as AgentError;
}

test('no helper configured off Windows → PlatformUnsupported saying how to run it', async () => {
  const t = createMapiTransport(mapiSettings('default'), { env: {}, platform: 'linux' });
  const err = await rejection(t.verify());
  assert.is(err.code, 'PlatformUnsupported');
  assert.is(err.transient, false);
  assert.match(err.message, /MAIL_AGENT_MAPI_HELPER/);
  assert.is((await rejection(t.send(outgoing({ text: 'x' })))).code, 'PlatformUnsupported');
  await t.close();
});

test('MAIL_AGENT_MAPI_OUTBOX_WAIT that is not a duration → verify and send fail saying so, nothing started', async () => {
  const starts = path.join(tmp, 'outbox-wait-starts');
  const t = createMapiTransport(mapiSettings('default'), { env: { ...fakeEnv('ok', starts), MAIL_AGENT_MAPI_OUTBOX_WAIT: 'soon' } });
  const err = await rejection(t.verify());
  assert.is(err.code, 'Usage');
  assert.match(err.message, /MAIL_AGENT_MAPI_OUTBOX_WAIT: expected a duration like 60s/);
  assert.is((await rejection(t.send(outgoing({ text: 'x' })))).code, 'Usage');
  assert.is(startCount(starts), 0);
  await t.close();
});

test('a helper that cannot be started → HelperFailed, transient', async () => {
  const t = createMapiTransport(mapiSettings('default'), { env: { MAIL_AGENT_MAPI_HELPER: path.join(tmp, 'no-such-helper') } });
  const err = await rejection(t.verify());
  assert.is(err.code, 'HelperFailed');
  assert.is(err.transient, true);
  await t.close();
});

test('a helper that crashes on every send → bounded restarts, then HelperFailed', async () => {
  const starts = path.join(tmp, 'crash-starts');
  await using(createMapiTransport(mapiSettings('default'), { env: fakeEnv('crash-on-send', starts) }), async (t) => {
    const err = await rejection(t.send(outgoing({ text: 'x' })));
    assert.is(err.code, 'HelperFailed');
    assert.is(err.transient, true, 'nothing was submitted: the queue may retry later');
    assert.is(startCount(starts), 3);
  });
});

test('a helper that never answers → killed at the deadline and restarted; the agent keeps running', async () => {
  const starts = path.join(tmp, 'silent-starts');
  await using(createMapiTransport(mapiSettings('default'), { env: fakeEnv('silent-on-send', starts), timeoutMs: 1500 }), async (t) => {
    assert.is((await t.verify()).endpoint, 'Fake');
    const err = await rejection(t.send(outgoing({ text: 'x' })));
    assert.is(err.code, 'HelperFailed');
    assert.match(err.message, /did not answer send within 1500 ms/);
    assert.is(startCount(starts), 3);
  });
});

test('garbage on stdout → HelperFailed; a healthy helper then serves requests one at a time', async () => {
  const starts = path.join(tmp, 'garbage-starts');
  await using(createMapiTransport(mapiSettings('default'), { env: fakeEnv('garbage', starts) }), async (bad) => {
    assert.is((await rejection(bad.verify())).code, 'HelperFailed');
  });
  const good = createMapiTransport(mapiSettings('Other'), { env: fakeEnv('ok', path.join(tmp, 'ok-starts')) });
  await using(good, async () => {
    const [info, a, b, profiles] = await Promise.all([
      good.verify(), good.send(outgoing({ text: 'a' })), good.send(outgoing({ text: 'b' })), good.profiles(),
    ]);
    assert.is(info.endpoint, 'Other');
    assert.ok(a.messageId !== b.messageId);
    assert.equal(profiles, [{ name: 'Fake', default: true }, { name: 'Other', default: false }]);
    assert.is(startCount(path.join(tmp, 'ok-starts')), 1);
  });
  assert.is((await rejection(good.verify())).code, 'Internal', 'closed');
});

test('a send whose caller gave up while it waited its turn is dropped unstarted; the helper lives on', async () => {
  const starts = path.join(tmp, 'cancel-starts');
  await using(createMapiTransport(mapiSettings('default'), { env: fakeEnv('ok', starts) }), async (t) => {
    await t.verify();
    const controller = new AbortController();
    const first = t.send(outgoing({ text: 'first' }));
    const waiting = t.send(outgoing({ text: 'given up' }), controller.signal);
    controller.abort(new AgentError('Timeout', 'the send did not finish within 300 s', { transient: true }));
    await first;
    const err = await rejection(waiting);
    assert.is(err.code, 'Timeout');
    await t.send(outgoing({ text: 'after' }));
    assert.is(startCount(starts), 1, 'the helper was not killed for a request it never started');
  });
});

test.run();
