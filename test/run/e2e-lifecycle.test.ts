// Process life cycle of `mail-agent run`, one sandbox and state dir throughout: --once exit codes,
// unsafe status placement refused, kill -9 and restart (stale lock taken over, no second test message),
// SIGHUP re-attempting a Stalled revision, SIGTERM.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findCondition, type StatusDocument } from '../../agent/status/model.ts';
import { revisionOf } from '../../agent/config/revision.ts';
import type { Child } from '../helpers/child.ts';
import { account, readJson, rig, type Rig } from './helpers/e2e.ts';

let r: Rig;
let agent: Child;
test.before(async () => { r = await rig(); });
test.after(async () => { await r.cleanup(); });

const wait = (text: string) => r.cli(['status', '--status', r.statusPath, '--wait', '--for-revision', revisionOf(text), '--timeout', '30s']);

test('--once: exit 1 when the file is invalid, 0 when Ready', async () => {
  await r.write({ extra: 'colour: blue\n' });
  const bad = r.startAgent(['--once']);
  assert.is(await bad.exited(), 1, bad.output());
  assert.is((await readJson<StatusDocument>(r.statusPath)).lastRejected?.reason, 'SchemaViolation');
  await r.write();
  const ok = r.startAgent(['--once']);
  assert.is(await ok.exited(), 0, ok.output());
  assert.is(await r.testMessages(), 1);
});

test('a status file inside the watched directory is refused (64) before anything starts', async () => {
  const refused = r.startAgent(['--status', join(r.root, 'conf', 'status.json')]);
  assert.is(await refused.exited(), 64);
  assert.match(refused.output(), 'inside the watched directory');
});

test('kill -9, then restart: the stale lock is taken over and no second test message is sent', async () => {
  const first = r.startAgent();
  await r.untilStatus((d) => d.agent.pid === first.proc.pid && findCondition(d, 'Ready')?.status === 'True', 'Ready');
  assert.is(await first.kill('SIGKILL'), null);
  agent = r.startAgent();
  // The restarted agent rewrites the status from scratch; wait for it to be Ready again.
  const doc = await r.untilStatus((d) => d.agent.pid === agent.proc.pid && findCondition(d, 'Ready')?.status === 'True', 'Ready after restart');
  assert.is(findCondition(doc, 'TestMessageDelivered')?.reason, 'AlreadyDelivered');
  assert.is(await r.testMessages(), 1);
});

test('SIGHUP re-reads the file and re-attempts a Stalled revision', async () => {
  // The password file is missing at first: Stalled (SecretUnreadable); then it appears, unannounced.
  const text = await r.write({ passwordFile: 'later-password', charset: 'iso-8859-1' });
  const stalled = await wait(text);
  assert.is(stalled.code, 1, stalled.out + agent.output());
  assert.match(stalled.out, 'SecretUnreadable');
  await writeFile(join(r.root, 'conf', 'later-password.tmp'), account.password);
  await rename(join(r.root, 'conf', 'later-password.tmp'), join(r.root, 'conf', 'later-password'));
  agent.proc.kill('SIGHUP');
  // The same revision is re-attempted, so wait on the conditions rather than on a verdict already given.
  const doc = await r.untilStatus((d) => findCondition(d, 'Ready')?.status === 'True', 'Ready after SIGHUP');
  assert.is(doc.observedRevision, revisionOf(text));
  assert.is(await r.testMessages(), 2);
});

test('SIGTERM finishes and exits 0', async () => {
  assert.is(await agent.kill('SIGTERM'), 0, agent.output());
});

test.run();
