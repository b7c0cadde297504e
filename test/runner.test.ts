// The test runner (test/runner.ts) on fixture files: each file in its own process, its output kept
// together, a failing file fails the run, and the cross-checks the processes could not run are merged into
// one summary at the end.
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repoRoot } from './helpers/child.ts';
import { tempDir } from './helpers/temp-dir.ts';
import { needTools, notRunDirVariable } from './helpers/tools.ts';
import { waitFor } from './helpers/wait.ts';
import { filesRunningDist, planUnits, runUnits, uvuCounts, type TaskResult } from './runner.ts';

const fixtures = 'test/helpers/fixtures';

function runner(pattern: string, timings: string, env: Record<string, string> = {}) {
  const { CI: _ci, [notRunDirVariable]: _dir, ...base } = process.env; // this process's settings, not the fixtures'
  const res = spawnSync(process.execPath, ['--import', 'tsx', 'test/runner.ts', fixtures, pattern, '--no-build', '--jobs', '2'],
    { cwd: repoRoot, env: { ...base, MAIL_AGENT_TEST_TIMINGS: timings, ...env }, encoding: 'utf8', timeout: 120_000 });
  return { code: res.status, out: res.stdout + res.stderr };
}

test('a failing file fails the run; each output stays together; one merged summary of what did not run', async () => {
  const dir = await tempDir('runner');
  try {
    const timings = path.join(dir.path, 'durations.json');
    const { code, out } = runner('(fails|needs-swaks)\\.ts$', timings, { MAIL_AGENT_TEST_WITHOUT: 'swaks' });
    assert.is(code, 1, out);
    const blocks = out.split(/^── /m).slice(1);
    const failing = blocks.find((b) => b.includes(`${fixtures}/fails.ts`))!;
    assert.match(failing, /^\[\d\/2\] FAILED test\/helpers\/fixtures\/fails\.ts \(0\/1 passed/);
    assert.match(failing, 'the failure the runner must report');
    const passing = blocks.find((b) => b.includes(`${fixtures}/needs-swaks.ts`))!;
    assert.match(passing, /^\[\d\/2\] ok test\/helpers\/fixtures\/needs-swaks\.ts \(1\/1 passed/);
    assert.not.match(passing, 'the failure the runner must report');
    assert.match(out, 'Files: 1/2 passed. Tests: 1/2 passed.');
    assert.match(out, `FAILED:\n  ${fixtures}/fails.ts\n`);
    assert.is(out.split('Not run on this machine').length, 2, 'one summary');
    assert.match(out, `swaks (swaks): ${fixtures}/fails.ts, ${fixtures}/needs-swaks.ts`);
    assert.equal(Object.keys(JSON.parse(await readFile(timings, 'utf8')) as object), [`${fixtures}/needs-swaks.ts`], 'only passing files are timed');
  } finally {
    await dir.cleanup();
  }
});

if (needTools(import.meta.url, test, ['swaks'])) test('all passing with every tool: exit 0, and no summary', async () => {
  const dir = await tempDir('runner');
  try {
    const { code, out } = runner('needs-swaks\\.ts$', path.join(dir.path, 'durations.json'), { MAIL_AGENT_TEST_WITHOUT: '' });
    assert.is(code, 0, out);
    assert.match(out, 'Files: 1/1 passed. Tests: 2/2 passed.');
    assert.not.match(out, 'Not run on this machine');
  } finally {
    await dir.cleanup();
  }
});

test('tasks that share a folder run one after another; a task others wait for goes first; the rest start longest first, untimed ones before', () => {
  const units = planUnits(['npm run lint', 'npm run build', 'test/a.test.ts', 'test/b.test.ts', 'test/build/shipped-build.test.ts', 'test/mapi/x.test.ts', 'test/mapi/y.test.ts', 'test/new.test.ts'],
    { 'npm run lint': 50_000, 'npm run build': 20_000, 'test/a.test.ts': 1_000, 'test/b.test.ts': 9_000, 'test/build/shipped-build.test.ts': 5_000, 'test/mapi/x.test.ts': 4_000, 'test/mapi/y.test.ts': 4_000 },
    new Map([['test/build/shipped-build.test.ts', 'npm run build'], ['test/b.test.ts', 'npm run build']]));
  assert.equal(units.map((u) => [u.tasks, u.after ?? null]), [
    [['npm run build'], null], [['test/new.test.ts'], null], [['npm run lint'], null], [['test/b.test.ts'], 'npm run build'],
    [['test/mapi/x.test.ts', 'test/mapi/y.test.ts'], null], [['test/build/shipped-build.test.ts'], 'npm run build'], [['test/a.test.ts'], null],
  ]);
});

test('the files that run dist/: the shipped-build test, and those that reach test/helpers/shipped.ts through their imports', async () => {
  const files = ['test/build/shipped-build.test.ts', 'test/run/e2e-agent.test.ts', 'test/notifications/e2e-delivery.test.ts', 'test/sandbox/cli.test.ts', 'test/queue/worker.test.ts', 'test/status/status-wait.test.ts'];
  assert.equal([...await filesRunningDist(files)].sort(), ['test/build/shipped-build.test.ts', 'test/notifications/e2e-delivery.test.ts', 'test/run/e2e-agent.test.ts', 'test/sandbox/cli.test.ts']);
});

test('a unit that waits for a task starts once that task has ended; the others go on meanwhile', async () => {
  const log: string[] = [];
  const gates = new Map<string, () => void>();
  const run = async (task: string): Promise<TaskResult> => {
    log.push(`start ${task}`);
    await new Promise<void>((resolve) => gates.set(task, resolve));
    log.push(`end ${task}`);
    return { task, ok: true, ms: 0, output: '' };
  };
  const units = [{ tasks: ['npm run build'], expectedMs: 3 }, { tasks: ['test/dist.test.ts'], expectedMs: 2, after: 'npm run build' }, { tasks: ['test/a.test.ts'], expectedMs: 1 }, { tasks: ['test/b.test.ts'], expectedMs: 1 }];
  const all = runUnits(units, 2, { color: false, timeoutMs: 1000, env: {} }, () => undefined, run);
  const release = async (task: string) => {
    await waitFor(() => gates.has(task), `${task} started`);
    gates.get(task)!();
    gates.delete(task);
    await waitFor(() => log.includes(`end ${task}`), `${task} ended`);
  };
  await release('test/a.test.ts');
  await release('test/b.test.ts');
  assert.equal(log, ['start npm run build', 'start test/a.test.ts', 'end test/a.test.ts', 'start test/b.test.ts', 'end test/b.test.ts'], 'the files that need the build wait; the others run beside it');
  await release('npm run build');
  await release('test/dist.test.ts');
  assert.equal((await all).map((r) => r.task), ['test/a.test.ts', 'test/b.test.ts', 'npm run build', 'test/dist.test.ts']);
  assert.ok(log.indexOf('start test/dist.test.ts') > log.indexOf('end npm run build'));
});

test("uvu's counts, with or without colour; none when it crashed first", () => {
  assert.equal(uvuCounts('\u001b[1m  Total:     12\u001b[22m\n\u001b[32m  Passed:    11\u001b[39m\n  Skipped:   1\n  Duration:  3.2s\n'), { total: 12, passed: 11, skipped: 1 });
  assert.equal(uvuCounts('SyntaxError: Unexpected token\n'), { total: undefined, passed: undefined, skipped: undefined });
});

test.run();
