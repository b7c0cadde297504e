// The agent end to end: the real `mail-agent run` process against the real sandbox, driven by editing
// its settings file and observed through `mail-agent status --wait` — one agent through a whole story.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile } from 'node:fs/promises';
import { main } from '../../agent/cli/main.ts';
import { acquireStateLock } from '../../agent/run/lock.ts';
import { shortRevision as short } from '../../agent/config/revision.ts';
import { findCondition, type StatusDocument } from '../../agent/status/model.ts';
import { revisionOf } from '../../agent/config/revision.ts';
import type { Child } from '../helpers/child.ts';
import { captureIo } from '../helpers/io.ts';
import { waitFor } from '../helpers/wait.ts';
import { account, readJson, rig, type Rig } from './helpers/e2e.ts';

let r: Rig;
let agent: Child;

const wait = (text: string, timeout = '30s') => r.shipped(['status', '--status', r.statusPath, '--wait', '--for-revision', revisionOf(text), '--timeout', timeout]);
const status = () => readJson<StatusDocument>(r.statusPath);

test.before(async () => { r = await rig(); });
test.after(async () => {
  await r.cleanup();
});

test('self-signed certificate with rejectInvalidCertificates: Stalled (CertificateRejected)', async () => {
  const text = await r.write({ caFile: false });
  agent = r.startAgent();
  const res = await wait(text);
  assert.is(res.code, 1, res.out + res.err + agent.output());
  assert.match(res.out, 'Stalled');
  assert.match(res.out, 'CertificateRejected');
  assert.is(await r.testMessages(), 0);
});

test('with caFile: Ready and exactly one test message', async () => {
  const text = await r.write();
  const res = await wait(text);
  assert.is(res.code, 0, res.out + res.err + agent.output());
  assert.is(await r.testMessages(), 1);
  const doc = await status();
  assert.is(doc.lastApplied?.transport.serverVersion, 'Exchange2016');
  assert.is(findCondition(doc, 'TestMessageDelivered')?.reason, 'Delivered');
});

test('a settings change: exactly one more test message; a comment-only change: none', async () => {
  const changed = await r.write({ charset: 'iso-8859-1' });
  assert.is((await wait(changed)).code, 0);
  assert.is(await r.testMessages(), 2);
  const comment = await r.write({ charset: 'iso-8859-1', comment: 'only a comment' });
  assert.is((await wait(comment)).code, 0);
  assert.is(findCondition(await status(), 'Ready')?.reason, 'SettingsUnchanged');
  assert.is(await r.testMessages(), 2);
});

/** The agent's JSON log lines with this message. */
const logLines = (message: string) => agent.output().split('\n').filter((l) => l.startsWith('{'))
  .map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.message === message);

test('an invalid file: Rejected with line and column, logged as status prints it; the old transport still live and sending', async () => {
  const invalid = await r.write({ charset: 'iso-8859-1', message: '  plainTxt: true\n', extra: 'colour: blue\n' });
  const res = await wait(invalid);
  assert.is(res.code, 1, res.out + res.err);
  assert.match(res.out, 'Rejected');
  assert.match(res.out, /mail-settings\.yaml:\d+:\d+: /);
  // The journal carries each error exactly as `status` prints it (position, pointer, message; no value).
  const printed = res.out.split('\n').filter((l) => l.startsWith(`  ${r.settings}:`)).map((l) => l.trim());
  assert.is(printed.length, 2, res.out);
  assert.match(printed[0]!, /:7:3: \/message\/plainTxt: .*did you mean "plainText"\?$/);
  await agent.waitFor('settings file rejected');
  const [rejected] = logLines('settings file rejected; the live settings stay');
  assert.is(rejected?.level, 'warn', agent.output());
  assert.is(rejected?.reason, 'SchemaViolation');
  assert.equal(rejected?.errors, printed);
  const send = await r.shipped(['send', '--state-dir', r.stateDir, '--to', 'someone@contoso.test', '--subject', 'still sending', '--body', '-'], 'The last good settings still deliver.\n');
  assert.is(send.code, 0, send.out + send.err);
  await waitFor(async () => (await r.deliveredWithSubject('still sending')) > 0, () => `'still sending' delivered: ${agent.output().slice(-2000)}`, 10_000);
  assert.is(await r.deliveredWithSubject('still sending'), 1);
  const doc = await r.untilStatus((d) => d.queue.delivered >= 1, 'the delivery counted in the status');
  assert.is(doc.queue.pending, 0);
});

test('a file over 1 MiB: Rejected at FILE:1:1 in status and log (every error has a position that exists)', async () => {
  const big = await r.write({ charset: 'iso-8859-1', comment: 'x'.repeat(1024 * 1024) });
  const res = await wait(big);
  assert.is(res.code, 1, res.out + res.err);
  assert.match(res.out, `  ${r.settings}:1:1: /: the file is larger than 1048576 bytes (1 MiB)`);
  assert.equal((await status()).lastRejected?.errors.map((e) => [e.line, e.column]), [[1, 1]]);
  await agent.waitFor(/"reason":"ConfigTooLarge"/);
  const logged = logLines('settings file rejected; the live settings stay').find((l) => l.reason === 'ConfigTooLarge');
  assert.equal(logged?.errors, [`${r.settings}:1:1: /: the file is larger than 1048576 bytes (1 MiB)`]);
});

test('a wrong password: Stalled (AuthFailed), old transport kept', async () => {
  const text = await r.write({ charset: 'iso-8859-1', passwordFile: 'wrong-password' });
  const res = await wait(text);
  assert.is(res.code, 1, res.out + res.err);
  assert.match(res.out, 'AuthFailed');
  const doc = await status();
  assert.is(findCondition(doc, 'Stalled')?.reason, 'AuthFailed');
  assert.ok(doc.lastApplied, 'the previous revision is still the live one');
});

test('ServerBusy during an apply: retried, then Ready', async () => {
  r.sandbox.setFaults([{ kind: 'busy', count: 2, backoffMs: 200 }]);
  const text = await r.write({ charset: 'windows-1252' });
  const res = await wait(text);
  assert.is(res.code, 0, res.out + res.err + agent.output());
  const doc = await status();
  assert.ok(doc.history.some((h) => h.reason === 'ServerBusy' && h.outcome === 'Failed'), JSON.stringify(doc.history));
  assert.is(doc.failures.consecutive, 0);
  assert.is(await r.testMessages(), 3);
});

test('superseded (2): a revision observed, then replaced before Ready; the newer one converges', async () => {
  r.sandbox.setFaults([{ kind: 'busy', count: 1, backoffMs: 1500 }]);
  const first = await r.write({ charset: 'iso-8859-2' });
  // The waiter, with stderr on a "terminal", says what each poll saw: the newer file goes in once it has seen
  // the agent working on the first one.
  const io = captureIo({ env: {}, cwd: r.root, tty: { err: true } });
  const pending = main(['status', '--status', r.statusPath, '--wait', '--for-revision', revisionOf(first), '--timeout', '30s'], io)
    .then((code) => ({ code, out: io.out(), err: io.err() }));
  await waitFor(() => io.err().includes(`agent observes ${short(revisionOf(first))}`), () => `the waiter to see the first revision observed; it said ${JSON.stringify(io.err())}`, 20_000);
  const second = await r.write({ charset: 'iso-8859-15' });
  const res = await pending;
  assert.is(res.code, 2, res.out + res.err);
  assert.is((await wait(second)).code, 0);
});

test('124: a revision never observed times out', async () => {
  const res = await wait('never written\n', '600ms');
  assert.is(res.code, 124);
});

test('a second agent on the same state dir exits 1 at once', async () => {
  const second = r.startAgent();
  assert.is(await second.exited(), 1);
  assert.match(second.output(), 'another mail-agent');
});

test('SIGTERM: exit 0, status written, lock released; then the status goes stale (69)', async () => {
  const before = (await status()).sequence;
  assert.is(await agent.kill('SIGTERM'), 0, agent.output());
  assert.ok((await status()).sequence > before);
  // The lock file stays (removing it would race a newcomer); the kernel lock on it is gone.
  await (await acquireStateLock(r.stateDir)).release();
  // Heartbeat 500 ms: three missed beats later nobody vouches for the file any more.
  const res = await wait('a revision nobody applies\n', '2500ms');
  assert.is(res.code, 69, res.out + res.err);
  assert.match(res.err, 'stale');
});

test('no password in any log line, status or state file', async () => {
  assert.not.match(agent.output(), account.password);
  for (const file of await r.allFiles()) {
    if (file.endsWith('/password') || file.includes('/sandbox') || file.includes('ews-transport-')) continue;
    assert.not.match(await readFile(file, 'utf8'), account.password, file);
  }
});

test.run();
