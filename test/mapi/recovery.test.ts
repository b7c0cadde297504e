// The helper dying or hanging mid-send (under Wine). Before "submitting" a send is simply retried on a
// fresh helper; after it, the fresh helper first looks for the Message-ID in Sent Items, so a notification
// is delivered once either way, or — when that cannot be told — reported as SubmitOutcomeUnknown.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { AgentError } from '../../agent/errors.ts';
import { createMapiTransport, type MapiTransportDeps } from '../../agent/transports/mapi/index.ts';
import { outgoing } from './messages.ts';
import { mapiSettings } from './settings.ts';
import { waitFor } from '../helpers/wait.ts';
import { readLog, wineTests } from './wine.ts';

/** Waits (bounded) until the provider has created its hang marker: the helper is now stuck inside MAPI. */
async function untilHanging(marker: string): Promise<void> {
  await waitFor(() => existsSync(marker), 'the provider reached its hang point', 15_000, 50);
}

/** How many messages with this Message-ID the provider logged as submitted. */
const copiesIn = (log: string, messageId: string) => readLog(log).filter((r) => r.props.PR_INTERNET_MESSAGE_ID_W === messageId).length;

wineTests('test/mapi/recovery.test.ts', test, (wine) => {
  /** A transport whose provider hangs once at `point` (creating `marker` there), and the pids of the helpers it started. */
  function hangingOnce(point: string, marker: string, deps: Omit<MapiTransportDeps, 'env' | 'onHelperSpawn'> = {}) {
    const log = wine().newLog();
    const pids: (number | undefined)[] = [];
    const t = createMapiTransport(mapiSettings('default'), {
      ...deps,
      env: wine().env({ MAPI_TEST_PROVIDER_LOG: log, MAPI_TEST_HANG: point, MAPI_TEST_HANG_ONCE: marker }),
      onHelperSpawn: (pid) => pids.push(pid),
    });
    return { t, log, pids };
  }

  test('helper killed mid-send (before submit) → restarted, message delivered once', async () => {
    const marker = path.join(wine().tmp, 'hang-kill');
    const { t, log, pids } = hangingOnce('recipients', marker);
    try {
      const message = outgoing({ text: 'survives a crash' });
      const sending = t.send(message);
      await untilHanging(marker);
      assert.is(pids.length, 1);
      process.kill(pids[0] ?? 0, 'SIGKILL');
      const result = await sending;
      assert.is(result.messageId, message.messageId);
      assert.is(pids.length, 2, 'a second helper was started');
      assert.is(copiesIn(log, message.messageId), 1, 'delivered exactly once');
    } finally {
      await t.close();
    }
  });

  test('helper hung past its deadline (before submit) → killed, restarted, delivered once', async () => {
    const { t, log, pids } = hangingOnce('recipients', path.join(wine().tmp, 'hang-deadline'), { timeoutMs: 2500 });
    try {
      await t.verify();
      const message = outgoing({ text: 'survives a hang' });
      await t.send(message);
      assert.is(pids.length, 2);
      assert.is(copiesIn(log, message.messageId), 1);
    } finally {
      await t.close();
    }
  });

  /** Sends one message while the provider hangs at `point`, kills the helper there, and returns what followed. */
  async function killedAt(point: string, saveCopy: boolean) {
    const marker = path.join(wine().tmp, `hang-${point}-${String(saveCopy)}`);
    const { t, log, pids } = hangingOnce(point, marker, { saveCopy });
    const message = outgoing({ text: `killed at ${point}` });
    const sending = t.send(message);
    await untilHanging(marker);
    process.kill(pids[0] ?? 0, 'SIGKILL');
    const outcome = await sending.then(() => 'sent' as const, (err: unknown) => err);
    const copies = () => copiesIn(log, message.messageId);
    return { t, pids, outcome, copies, log };
  }

  test('killed inside SubmitMessage before the store took it → not in Sent Items → retried, delivered once', async () => {
    const { t, pids, outcome, copies } = await killedAt('submit', true);
    try {
      assert.is(outcome, 'sent');
      assert.is(pids.length, 2);
      assert.is(copies(), 1);
    } finally {
      await t.close();
    }
  });

  test('killed after the store took it, before the reply → found in Sent Items → not resent, delivered once', async () => {
    const { t, pids, outcome, copies } = await killedAt('submitted', true);
    try {
      assert.is(outcome, 'sent');
      assert.is(pids.length, 2, 'a fresh helper looked in Sent Items');
      assert.is(copies(), 1, 'no duplicate');
    } finally {
      await t.close();
    }
  });

  test('killed while submitting with no Sent Items copy → not in the Outbox either → SubmitOutcomeUnknown, not retried', async () => {
    const { t, pids, outcome, log } = await killedAt('submit', false);
    try {
      assert.instance(outcome, AgentError);
      const err = outcome as AgentError;
      assert.is(err.code, 'HelperFailed');
      assert.is(err.serverCode, 'SubmitOutcomeUnknown');
      assert.is(err.transient, false);
      assert.is(pids.length, 2, 'a fresh helper looked in the Outbox');
      assert.is(readLog(log).length, 0, 'no retry was attempted');
      const next = outgoing({ text: 'after the crash' });
      await t.send(next);
      assert.is(pids.length, 2);
      assert.equal(readLog(log).map((r) => r.props.PR_INTERNET_MESSAGE_ID_W), [next.messageId]);
    } finally {
      await t.close();
    }
  });

  test('wasSent looks for the Message-ID in Sent Items (not found and no copy kept: undefined)', async () => {
    const log = wine().newLog();
    const t = createMapiTransport(mapiSettings('default'), { env: wine().env({ MAPI_TEST_PROVIDER_LOG: log }) });
    const noCopy = createMapiTransport(mapiSettings('default'), { env: wine().env({ MAPI_TEST_PROVIDER_LOG: log }), saveCopy: false });
    try {
      const message = outgoing({ text: 'kept' });
      await t.send(message);
      assert.is(await t.wasSent(message.messageId), true);
      assert.is(await t.wasSent('<never-sent@mail-agent.test>'), false);
      assert.is(await noCopy.wasSent(message.messageId), true, 'a copy found proves it even when this transport keeps none');
      assert.is(await noCopy.wasSent('<never-sent@mail-agent.test>'), undefined);
    } finally {
      await t.close();
      await noCopy.close();
    }
  });
});

test.run();
