// The state-dir lock and the process guards: a live holder (a real process) is never taken over, whatever
// its record says; the lock of a killed one is free at once; a stray rejection is logged, not fatal.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isAgentError } from '../../agent/errors.ts';
import { acquireStateLock } from '../../agent/run/lock.ts';
import { installProcessGuards } from '../../agent/run/process-guards.ts';
import { spawnTs, type Child } from '../helpers/child.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait.ts';

async function holdingChild(dir: string): Promise<Child> {
  const child = spawnTs('test/run/fixtures/hold-lock.ts', [dir]);
  await child.waitFor('locked');
  return child;
}

test('a second lock on the same state dir is refused while the holder lives, naming it; released, it can be taken', async () => {
  const dir = await tempDir('lock');
  try {
    const lock = await acquireStateLock(dir.path);
    const err = await acquireStateLock(dir.path).catch((e: unknown) => e);
    assert.ok(isAgentError(err) && err.code === 'StateDirLocked', String(err));
    assert.match((err as Error).message, `pid ${process.pid} on host ${hostname()}`);
    await lock.release();
    await (await acquireStateLock(dir.path)).release();
  } finally {
    await dir.cleanup();
  }
});

test('a held lock is never taken over, whatever its record says (another host, a dead pid, our own pid)', async () => {
  const dir = await tempDir('lock');
  const child = await holdingChild(dir.path);
  try {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    for (const record of [{ pid: 1, host: 'another-container' }, { pid: Number(dead.stdout), host: hostname() }, { pid: process.pid, host: hostname() }]) {
      await writeFile(join(dir.path, 'agent.lock'), JSON.stringify({ ...record, startedAt: 'then' }));
      const err = await acquireStateLock(dir.path).catch((e: unknown) => e);
      assert.ok(isAgentError(err) && err.code === 'StateDirLocked', `taken over from ${JSON.stringify(record)}`);
    }
  } finally {
    await child.kill('SIGKILL');
    await dir.cleanup();
  }
});

test('the lock of a process killed with SIGKILL is free at once; an old record without a holder is overwritten', async () => {
  const dir = await tempDir('lock');
  try {
    const child = await holdingChild(dir.path);
    await child.kill('SIGKILL');
    const lock = await acquireStateLock(dir.path);
    assert.is((JSON.parse(await readFile(lock.path, 'utf8')) as { pid: number }).pid, process.pid);
    await lock.release();
    await writeFile(join(dir.path, 'agent.lock'), JSON.stringify({ pid: process.ppid, host: hostname(), startedAt: 'then' }));
    await (await acquireStateLock(dir.path)).release();
  } finally {
    await dir.cleanup();
  }
});

test('an unhandled rejection is logged and the process carries on', async () => {
  const logged: string[] = [];
  const log = { error: (m: string) => logged.push(m), warn: () => undefined, info: () => undefined, debug: () => undefined };
  const remove = installProcessGuards(log, { stop: () => undefined, reread: () => undefined });
  try {
    void Promise.reject(new Error('like ews-javascript-api on a non-XML 500'));
    await waitFor(() => logged.length > 0, 'the rejection logged');
    assert.equal(logged, ['unhandled rejection (ignored, the agent keeps running)']);
  } finally {
    remove();
  }
});

test.run();
