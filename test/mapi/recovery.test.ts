// The helper dying or hanging mid-send (under Wine). A send is retried on a fresh helper only while nothing
// can have been submitted; once the helper has said "submitting", the outcome is unknown and it is not
// retried, so a notification is never delivered twice.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AgentError } from '../../agent/errors.ts';
import { createMapiTransport } from '../../agent/transports/mapi/index.ts';
import { outgoing } from './messages.ts';
import { mapiSettings } from './settings.ts';
import { readLog, wineTests } from './wine.ts';

/** Waits (bounded) until the provider has created its hang marker: the helper is now stuck inside MAPI. */
async function untilHanging(marker: string): Promise<void> {
  for (let i = 0; i < 300 && !existsSync(marker); i++) await sleep(50);
  assert.ok(existsSync(marker), 'the provider reached its hang point');
}

wineTests('test/mapi/recovery.test.ts', test, (wine) => {
  test('helper killed mid-send (before submit) → restarted, message delivered once', async () => {
    const log = wine().newLog();
    const marker = path.join(wine().tmp, 'hang-kill');
    const pids: (number | undefined)[] = [];
    const t = createMapiTransport(mapiSettings('default'), {
      env: wine().env({ MAPI_TEST_PROVIDER_LOG: log, MAPI_TEST_HANG: 'recipients', MAPI_TEST_HANG_ONCE: marker }),
      onHelperSpawn: (pid) => pids.push(pid),
    });
    try {
      const message = outgoing({ text: 'survives a crash' });
      const sending = t.send(message);
      await untilHanging(marker);
      assert.is(pids.length, 1);
      process.kill(pids[0] ?? 0, 'SIGKILL');
      const result = await sending;
      assert.is(result.messageId, message.messageId);
      assert.is(pids.length, 2, 'a second helper was started');
      const records = readLog(log).filter((r) => r.props.PR_INTERNET_MESSAGE_ID_W === message.messageId);
      assert.is(records.length, 1, 'delivered exactly once');
    } finally {
      await t.close();
    }
  });

  test('helper hung past its deadline (before submit) → killed, restarted, delivered once', async () => {
    const log = wine().newLog();
    const marker = path.join(wine().tmp, 'hang-deadline');
    const pids: (number | undefined)[] = [];
    const t = createMapiTransport(mapiSettings('default'), {
      env: wine().env({ MAPI_TEST_PROVIDER_LOG: log, MAPI_TEST_HANG: 'recipients', MAPI_TEST_HANG_ONCE: marker }),
      onHelperSpawn: (pid) => pids.push(pid),
      timeoutMs: 4000,
    });
    try {
      await t.verify(); // start-up is not part of the deadline under test
      const message = outgoing({ text: 'survives a hang' });
      await t.send(message);
      assert.is(pids.length, 2);
      assert.is(readLog(log).filter((r) => r.props.PR_INTERNET_MESSAGE_ID_W === message.messageId).length, 1);
    } finally {
      await t.close();
    }
  });

  test('helper killed while submitting → not retried (HelperFailed, SubmitOutcomeUnknown); the next send works', async () => {
    const log = wine().newLog();
    const marker = path.join(wine().tmp, 'hang-submit');
    const pids: (number | undefined)[] = [];
    const t = createMapiTransport(mapiSettings('default'), {
      env: wine().env({ MAPI_TEST_PROVIDER_LOG: log, MAPI_TEST_HANG: 'submit', MAPI_TEST_HANG_ONCE: marker }),
      onHelperSpawn: (pid) => pids.push(pid),
    });
    try {
      const sending = t.send(outgoing({ text: 'outcome unknown' }));
      await untilHanging(marker);
      process.kill(pids[0] ?? 0, 'SIGKILL');
      let failure: unknown;
      await sending.catch((err: unknown) => { failure = err; });
      assert.instance(failure, AgentError);
      const err = failure as AgentError;
      assert.is(err.code, 'HelperFailed');
      assert.is(err.serverCode, 'SubmitOutcomeUnknown');
      assert.is(err.transient, false);
      assert.is(pids.length, 1, 'no retry was attempted');
      const next = outgoing({ text: 'after the crash' });
      await t.send(next);
      assert.is(pids.length, 2);
      assert.equal(readLog(log).map((r) => r.props.PR_INTERNET_MESSAGE_ID_W), [next.messageId]);
    } finally {
      await t.close();
    }
  });
});

test.run();
