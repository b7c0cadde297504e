// `mail-agent status --wait` against a real status-writing process and real files: every exit code.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { main } from '../../agent/cli/main.ts';
import { shortRevision as short } from '../../agent/config/revision.ts';
import { revisionOf } from '../../agent/config/revision.ts';
import { captureIo } from '../helpers/io.ts';
import { spawnTs, type Child } from '../helpers/child.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait.ts';

const A = revisionOf('apiVersion: mail-agent/v1 # A\n');
const B = revisionOf('apiVersion: mail-agent/v1 # B\n');
let dir: Awaited<ReturnType<typeof tempDir>>;
/** One real writer process serves every scenario of this file (a process start costs ~0.5 s). */
let shared: Child;
let writer: Child | undefined;

test.before(async () => {
  shared = spawnTs('test/status/fixtures/status-writer.ts', [], {}, 'pipe');
  await shared.waitFor('writer ready');
});
test.after(async () => { await shared.kill(); });
test.before.each(async () => { dir = await tempDir('status'); });
test.after.each(async () => {
  await writer?.kill();
  writer = undefined;
  // Park the shared writer on a file outside the test's folder before removing it.
  const parked = `${dir.path}.parked.json`;
  startWriter(parked, []);
  await shared.waitFor(`started ${parked}`);
  await dir.cleanup();
  await rm(parked, { force: true });
});

/** Plays a scenario in the shared writer process: a fresh status file, then the script. */
function startWriter(statusPath: string, script: unknown[], heartbeatMs = 100): Child {
  shared.proc.stdin!.write(JSON.stringify({ path: statusPath, heartbeatMs, steps: script }) + '\n');
  return shared;
}

/** Lets the script at `statusPath` past its next gate. */
function go(statusPath: string): void {
  shared.proc.stdin!.write(JSON.stringify({ go: statusPath }) + '\n');
}

/** `mail-agent status …` with stderr on a "terminal", so that --wait says on it what each poll saw. */
function startStatus(args: string[]) {
  const io = captureIo({ env: {}, cwd: dir.path, tty: { err: true } });
  const result = main(['status', ...args], io).then((code) => ({ code, out: io.out(), err: io.err() }));
  /** Resolves once a poll of the waiter saw the agent observe `revision` (null: none yet). */
  const observes = (revision: string | null) => waitFor(() => io.err().includes(`agent observes ${short(revision)}`), () => `the waiter to see ${short(revision)} observed; it said: ${JSON.stringify(io.err())}`);
  return { result, observes, err: () => io.err() };
}

const status = (args: string[]) => startStatus(args).result;

test('0: waits for the pushed file (--for-file) to become Ready', async () => {
  const file = join(dir.path, 'pushed.yaml');
  await writeFile(file, 'apiVersion: mail-agent/v1 # A\n');
  const statusPath = join(dir.path, 'status.json');
  startWriter(statusPath, [{ gate: true, event: { type: 'observed', revision: A } }, { gate: true, event: { type: 'applied', revision: A } }]);
  const waiter = startStatus(['--status', statusPath, '--wait', '--for-file', file, '--timeout', '20s']);
  await waiter.observes(null);
  go(statusPath);
  await waiter.observes(A);
  go(statusPath);
  const r = await waiter.result;
  assert.is(r.code, 0, r.out + r.err);
  assert.match(r.out, `Ready: ${A} is live`);
  assert.match(shared.output(), `wrote applied ${statusPath}`);
});

/** Plays A's `observed` then `after` at `statusPath`, starts `status --wait --for-revision A`, and once the
 *  waiter has seen A observed lets the script past its first gate. */
async function waiterPastObserved(statusPath: string, after: unknown[]) {
  startWriter(statusPath, [{ event: { type: 'observed', revision: A } }, ...after]);
  const waiter = startStatus(['--status', statusPath, '--wait', '--for-revision', A, '--timeout', '20s']);
  await waiter.observes(A);
  go(statusPath);
  return waiter;
}

/** After A was observed, one gate lets the script reach a verdict: the exit code and what the waiter prints. */
const verdicts: { name: string; after: unknown[]; code: number; says: string[] }[] = [
  {
    name: '1: a rejected revision returns at once with line and column',
    after: [{ gate: true, event: { type: 'rejected', revision: A } }],
    code: 1, says: ['Rejected', ':7:8: /ews/url: must be an https URL'],
  },
  {
    name: '1: Stalled on a permanent transport failure',
    after: [{ gate: true, event: { type: 'failed', revision: A, permanent: true } }],
    code: 1, says: ['Stalled', 'AuthFailed'],
  },
  {
    name: '2: observed, then superseded by a newer file before Ready',
    after: [{ gate: true, event: { type: 'observed', revision: B } }, { event: { type: 'applied', revision: B } }],
    code: 2, says: [`Superseded: ${A}`],
  },
];

for (const { name, after, code, says } of verdicts) {
  test(name, async () => {
    const r = await (await waiterPastObserved(join(dir.path, 'status.json'), after)).result;
    assert.is(r.code, code, r.out + r.err);
    for (const text of says) assert.match(r.out, text);
  });
}

test('a transient failure keeps the waiter waiting until Ready', async () => {
  const statusPath = join(dir.path, 'status.json');
  const waiter = await waiterPastObserved(statusPath, [
    { gate: true, event: { type: 'failed', revision: A, permanent: false } },
    { gate: true, event: { type: 'applied', revision: A } },
  ]);
  await waitFor(() => waiter.err().includes('Ready False ServerBusy'), () => `the waiter to see the transient failure; it said: ${JSON.stringify(waiter.err())}`);
  go(statusPath);
  const r = await waiter.result;
  assert.is(r.code, 0, r.out + r.err);
  assert.match(shared.output(), `wrote failed ${statusPath}`);
});

test('124: a revision never observed times out while the file stays fresh', async () => {
  const statusPath = join(dir.path, 'status.json');
  startWriter(statusPath, [{ event: { type: 'applied', revision: A } }]);
  await shared.waitFor(`wrote applied ${statusPath}`);
  const r = await status(['--status', statusPath, '--wait', '--for-revision', B, '--timeout', '600ms']);
  assert.is(r.code, 124, r.out + r.err);
  assert.match(r.out, 'Timeout');
});

test('69: a missing status file is waited for, then reported', async () => {
  const r = await status(['--status', join(dir.path, 'nope.json'), '--wait', '--timeout', '400ms']);
  assert.is(r.code, 69);
  assert.match(r.err, 'does not exist');
});

test('a status file that appears during the wait is used', async () => {
  const statusPath = join(dir.path, 'late.json');
  const waiter = startStatus(['--status', statusPath, '--wait', '--for-revision', A, '--timeout', '20s']);
  await waitFor(() => waiter.err().includes('does not exist'), 'the waiter polling a file not there yet');
  startWriter(statusPath, [{ event: { type: 'applied', revision: A } }]);
  const r = await waiter.result;
  assert.is(r.code, 0, r.out + r.err);
});

test('69: a stale status file (writer killed, heartbeat overdue)', async () => {
  const statusPath = join(dir.path, 'status.json');
  const w = spawnTs('test/status/fixtures/status-writer.ts', [statusPath, '50', JSON.stringify([{ event: { type: 'observed', revision: A } }])]);
  writer = w;
  await w.waitFor('wrote observed');
  await w.kill('SIGKILL');
  const r = await status(['--status', statusPath, '--wait', '--for-revision', A, '--timeout', '500ms']);
  assert.is(r.code, 69, r.out + r.err);
  assert.match(r.err, 'stale');
});

test('69: an unreadable status file', async () => {
  const statusPath = join(dir.path, 'status.json');
  await writeFile(statusPath, '{ half written');
  const r = await status(['--status', statusPath, '--wait', '--timeout', '300ms']);
  assert.is(r.code, 69);
  assert.match(r.err, 'unreadable');
});

test('64: usage errors', async () => {
  assert.is((await status(['--bogus'])).code, 64);
  assert.is((await status(['--for-revision', A, '--for-file', 'x'])).code, 64);
  assert.is((await status(['--for-revision', 'abc'])).code, 64);
  assert.is((await status(['--wait', '--timeout', 'soon'])).code, 64);
  const r = await status(['--for-file', join(dir.path, 'absent.yaml')]);
  assert.is(r.code, 64);
  assert.match(r.err, 'cannot read');
});

test('without --wait: prints the status; -o json prints the document', async () => {
  const statusPath = join(dir.path, 'status.json');
  startWriter(statusPath, [{ event: { type: 'applied', revision: A } }]);
  await shared.waitFor(`wrote applied ${statusPath}`);
  const text = await status(['--status', statusPath]);
  assert.is(text.code, 0, text.out + text.err);
  assert.match(text.out, /Ready\s+True/);
  const json = await status(['--status', statusPath, '-o', 'json', '--for-revision', B]);
  assert.is(json.code, 1);
  const doc = JSON.parse(json.out) as { observedRevision: string };
  assert.is(doc.observedRevision, A);
});

test.run();
