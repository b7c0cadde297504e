// The reconciler's rules, on real files with the real loader and a real (dry-run) transport.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readApplied } from '../../agent/state/applied.ts';
import { findCondition } from '../../agent/status/model.ts';
import { revisionOf } from '../../agent/config/revision.ts';
import { takeSnapshot } from '../../agent/watch/snapshot.ts';
import { waitFor } from '../helpers/wait.ts';
import { harness, Password, ScriptedVerify, settingsYaml, type Harness } from './harness.ts';

let h: Harness;
test.before.each(async () => { h = await harness(); });
test.after.each(async () => { await h.cleanup(); });

test('first apply: Ready, one test message, applied.json, conditions on this revision', async () => {
  await h.write(settingsYaml());
  assert.is(await h.sync(), 'ready');
  const doc = await h.status();
  const revision = revisionOf(settingsYaml());
  assert.is(doc.observedRevision, revision);
  for (const type of ['Ready', 'ConfigValid', 'TransportReady', 'TestMessageDelivered'] as const) {
    assert.is(findCondition(doc, type)?.status, 'True', type);
    assert.is(findCondition(doc, type)?.observedRevision, revision, type);
  }
  assert.is(findCondition(doc, 'TestMessageDelivered')?.reason, 'Delivered');
  assert.is(await h.sentCount(), 1);
  const mime = await readFile(join(h.outbox, (await readdir(h.outbox))[0]!), 'utf8');
  assert.match(mime, /Subject: mail-agent test from .+: settings [0-9a-f]{12}/);
  assert.match(mime, 'To: ops@example.test');
  assert.not.match(mime, Password);
  assert.is((await readApplied(h.stateDir))?.revision, revision);
  assert.ok(h.reconciler.liveTransport());
});

test('a settings change sends one more test message; a comment-only change none', async () => {
  await h.write(settingsYaml());
  await h.sync();
  await h.write(settingsYaml('', 'iso-8859-1'));
  assert.is(await h.sync(), 'ready');
  assert.is(await h.sentCount(), 2);
  const live = h.reconciler.liveTransport();
  await h.write(settingsYaml('# just a comment\n', 'iso-8859-1'));
  assert.is(await h.sync(), 'unchanged');
  assert.is(await h.sentCount(), 2);
  assert.is(h.reconciler.liveTransport(), live, 'no reconnect for a comment');
  const doc = await h.status();
  assert.is(findCondition(doc, 'Ready')?.status, 'True');
  assert.is(findCondition(doc, 'Ready')?.reason, 'SettingsUnchanged');
  assert.is(doc.lastApplied?.revision, revisionOf(settingsYaml('# just a comment\n', 'iso-8859-1')));
  assert.is(await h.sync(), 'current', 'the same file again is nothing to do');
  assert.is((await h.status()).history.length, 3);
});

test('an invalid file is rejected with line and column; the old transport stays live; the good file again clears it', async () => {
  await h.write(settingsYaml());
  await h.sync();
  const live = h.reconciler.liveTransport();
  await h.write(settingsYaml().replace('charset: utf-8', 'charset: utf-8\n  colour: blue'));
  assert.is(await h.sync(), 'rejected');
  const doc = await h.status();
  assert.is(doc.lastRejected?.reason, 'SchemaViolation');
  assert.is(doc.lastRejected?.errors[0]?.line, 6);
  assert.ok((doc.lastRejected?.errors[0]?.column ?? 0) > 0);
  assert.is(findCondition(doc, 'Stalled')?.status, 'True');
  assert.is(h.reconciler.liveTransport(), live);
  assert.is(doc.lastApplied?.revision, revisionOf(settingsYaml()));
  assert.is(await h.sync(), 'current', 'the same invalid file is not attempted twice');
  await h.write(settingsYaml());
  assert.is(await h.sync(), 'unchanged');
  const back = await h.status();
  assert.is(findCondition(back, 'Ready')?.status, 'True');
  assert.is(findCondition(back, 'Stalled'), undefined);
  assert.is(back.failures.consecutive, 0);
  assert.is(await h.sentCount(), 1);
});

test('transient verify failures are retried with backoff (honouring backoffMs), then Ready', async () => {
  ScriptedVerify.plan = [{ code: 'ServerBusy', transient: true, backoffMs: 150 }, { code: 'ConnectionFailed', transient: true }];
  await h.write(settingsYaml());
  assert.is(await h.sync(), 'retrying');
  const first = await h.status();
  assert.is(findCondition(first, 'Ready')?.reason, 'ServerBusy');
  assert.is(findCondition(first, 'Reconciling')?.reason, 'RetryScheduled');
  const wait = Date.parse(first.failures.nextRetryAt!) - Date.parse(first.lastAttempted!.at);
  assert.ok(wait >= 150, `the retry waits at least BackOffMilliseconds (${wait})`);
  assert.is(h.clock.nextDue(), Date.parse(first.failures.nextRetryAt!), 'the retry is timed for nextRetryAt');
  h.clock.advanceToNext();
  assert.is(await h.reconciler.settled(), 'retrying', 'the second planned failure');
  h.clock.advanceToNext();
  assert.is(await h.reconciler.settled(), 'ready');
  const doc = await h.status();
  assert.is(findCondition(doc, 'Ready')?.status, 'True');
  assert.is(doc.failures.total, 2);
  assert.is(doc.failures.consecutive, 0);
  assert.is(await h.sentCount(), 1);
});

test('a permanent failure stalls until a new file or a forced re-read', async () => {
  ScriptedVerify.plan = [{ code: 'AuthFailed', transient: false }];
  await h.write(settingsYaml());
  assert.is(await h.sync(), 'stalled');
  const doc = await h.status();
  assert.is(findCondition(doc, 'Stalled')?.reason, 'AuthFailed');
  assert.is(doc.failures.nextRetryAt, null);
  assert.is(h.reconciler.liveTransport(), undefined);
  assert.is(await h.sync(), 'current');
  assert.is(await h.sync(true), 'ready', 'SIGHUP re-attempts');
});

test('a permanent test-message failure (SendAsDenied) stalls and keeps the previous transport', async () => {
  await h.write(settingsYaml());
  await h.sync();
  const live = h.reconciler.liveTransport();
  const next = settingsYaml('', 'iso-8859-1');
  await h.write(next);
  ScriptedVerify.sendPlan = [{ kind: 'permanent', code: 'SendAsDenied', serverCode: 'ErrorSendAsDenied' }];
  assert.is(await h.sync(), 'stalled');
  const doc = await h.status();
  assert.is(findCondition(doc, 'TestMessageDelivered')?.reason, 'SendAsDenied');
  assert.is(findCondition(doc, 'Stalled')?.observedRevision, revisionOf(next));
  assert.is(h.reconciler.liveTransport(), live);
});

test('a restart does not send the test message again; a pending one found in Sent Items is not resent', async () => {
  await h.write(settingsYaml());
  await h.sync();
  await h.restart();
  assert.is(await h.sync(), 'ready');
  assert.is(await h.sentCount(), 1);
  assert.is(findCondition(await h.status(), 'TestMessageDelivered')?.reason, 'AlreadyDelivered');
  // Simulate a crash between send and record: mark the entry pending again.
  const file = join(h.stateDir, 'test-messages.json');
  const registry = JSON.parse(await readFile(file, 'utf8')) as Record<string, { sentAt?: string }>;
  for (const entry of Object.values(registry)) delete entry.sentAt;
  await writeFile(file, JSON.stringify(registry));
  await h.restart();
  assert.is(await h.sync(), 'ready');
  assert.is(await h.sentCount(), 1);
});

test('a deleted file keeps the live transport and reports ConfigMissing', async () => {
  await h.write(settingsYaml());
  await h.sync();
  const live = h.reconciler.liveTransport();
  await unlink(h.settings);
  assert.is(await h.sync(), 'missing');
  const doc = await h.status();
  assert.is(findCondition(doc, 'Ready')?.reason, 'ConfigMissing');
  assert.is(findCondition(doc, 'Stalled')?.reason, 'ConfigMissing');
  assert.is(h.reconciler.liveTransport(), live);
  await h.write(settingsYaml());
  assert.is(await h.sync(), 'unchanged');
  assert.is(findCondition(await h.status(), 'Ready')?.status, 'True');
});

test('a newer file offered during an attempt wins; only its test message is sent', async () => {
  await h.write(settingsYaml());
  h.reconciler.offer(await takeSnapshot(h.settings, []));
  await h.write(settingsYaml('', 'iso-8859-2'));
  h.reconciler.offer(await takeSnapshot(h.settings, []));
  await h.reconciler.settled();
  const doc = await h.status();
  assert.is(doc.lastApplied?.revision, revisionOf(settingsYaml('', 'iso-8859-2')));
  assert.is(findCondition(doc, 'Ready')?.status, 'True');
  assert.ok(await h.sentCount() <= 2);
});

test('stopping during a verify that never answers aborts it after the grace period; the next start applies the file', async () => {
  await h.write(settingsYaml());
  ScriptedVerify.hangNext = true;
  h.reconciler.offer(await takeSnapshot(h.settings, []));
  await waitFor(() => ScriptedVerify.hanging === 1, 'the verify that never answers');
  const restarting = h.restart(); // stop() waits for the step in progress; its grace period is on the fake clock
  assert.is(h.clock.advance(49), 0, 'nothing is aborted inside the grace period');
  assert.is(ScriptedVerify.hanging, 1);
  assert.is(h.clock.advance(1), 1, 'the grace period ends');
  await restarting; // without the abort this would wait forever: the verify never settles on its own
  assert.is(ScriptedVerify.aborted.length, 1);
  assert.is(await h.sentCount(), 0);
  assert.is(await h.sync(), 'ready');
  assert.is(await h.sentCount(), 1);
});

test('no status or state file holds the password', async () => {
  await h.write(settingsYaml());
  await h.sync();
  for (const name of await readdir(h.stateDir)) {
    assert.not.match(await readFile(join(h.stateDir, name), 'utf8'), Password, name);
  }
});

test.run();
