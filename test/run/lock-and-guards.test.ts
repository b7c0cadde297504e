// The state-dir lock and the process guards, in process: a live holder refuses, a dead one is taken over,
// and a stray rejection is logged instead of ending the process.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAgentError } from '../../agent/errors.ts';
import { acquireStateLock } from '../../agent/run/lock.ts';
import { installProcessGuards } from '../../agent/run/process-guards.ts';
import { tempDir } from '../helpers/tmp.ts';

test('a second lock on the same state dir is refused while the holder lives; released, it can be taken', async () => {
  const dir = await tempDir('lock');
  try {
    const lock = await acquireStateLock(dir.path);
    // Our own pid counts as stale (a restarted container's pid 1), so the live holder is another process.
    const holder = JSON.parse(await readFile(lock.path, 'utf8')) as { pid: number };
    await writeFile(lock.path, JSON.stringify({ ...holder, pid: process.ppid }));
    const err = await acquireStateLock(dir.path).catch((e: unknown) => e);
    assert.ok(isAgentError(err) && err.code === 'StateDirLocked');
    assert.match((err as Error).message, `pid ${process.ppid}`);
    await lock.release();
    await (await acquireStateLock(dir.path)).release();
  } finally {
    await dir.cleanup();
  }
});

test('a lock left by a dead process is taken over', async () => {
  const dir = await tempDir('lock');
  try {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    await writeFile(join(dir.path, 'agent.lock'), JSON.stringify({ pid: Number(dead.stdout), host: hostname(), startedAt: 'then' }));
    const lock = await acquireStateLock(dir.path);
    assert.is((JSON.parse(await readFile(lock.path, 'utf8')) as { pid: number }).pid, process.pid);
    await lock.release();
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
    await sleep(20);
    assert.equal(logged, ['unhandled rejection (ignored, the agent keeps running)']);
  } finally {
    remove();
  }
});

test.run();
