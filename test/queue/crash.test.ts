// kill -9 at random moments, in real child processes: the spool stays consistent, nothing acknowledged is
// lost, and nothing is delivered twice when the transport can tell (wasSent).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { recoverSpool } from '../../agent/queue/spool-recovery.ts';
import { spoolCounts } from '../../agent/queue/spool-counts.ts';
import { fileBase } from '../helpers/dryrun/dryrun-transport.ts';
import { withTempDir } from '../helpers/temp-dir.ts';
import { runChild, seeded } from './child.ts';
import { Spool, submitMany } from './helpers.ts';

const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
const random = seeded(seed);
const why = `(replay with CRASH_SEED=${seed})`;

test('kill -9 while enqueuing: every acknowledged notification is on disk and whole; recovery leaves a clean spool', async () => {
  await withTempDir(async (state) => {
    const acknowledged = new Map<string, string>();
    for (let round = 0; round < 3; round++) {
      const child = runChild('enqueue-child.ts', [state, '1000']);
      const killAfter = 3 + Math.floor(random() * 15);
      // The kill lands a random 0-4 ms after the k-th acknowledgement: the fault injection, not a wait.
      child.onLine((line, all) => {
        if (all.length === killAfter) setTimeout(() => child.process.kill('SIGKILL'), random() * 4);
      });
      const { signal } = await child.exited;
      assert.is(signal, 'SIGKILL', `round ${round} was killed ${why}`);
      for (const line of child.lines) {
        const [, id, messageId] = line.split(' ');
        if (id && messageId) acknowledged.set(id, messageId);
      }
    }
    const spool = await Spool.open(state);
    await recoverSpool(spool, () => false);
    assert.equal(await readdir(spool.paths.tmp), [], `partial writes removed ${why}`);
    const pending = await spool.pendingIds();
    for (const id of acknowledged.keys()) assert.ok(pending.includes(id), `acknowledged ${id} is queued ${why}`);
    for (const id of pending) {
      const entry = await spool.read(id);
      const parsed = await simpleParser(entry?.mime ?? Buffer.alloc(0));
      assert.is(parsed.messageId, entry?.meta.messageId, `entry ${id} is whole ${why}`);
      assert.match(parsed.text ?? '', /^x{2000}/, `entry ${id} body is whole ${why}`);
    }
  });
});

async function deliverWithKills(state: string, wasSent: 'yes' | 'no') {
  const outbox = join(state, 'outbox');
  await mkdir(outbox);
  const spool = await Spool.open(state);
  const queued = await submitMany(spool, 60, 'crash');
  let kills = 0;
  for (let run = 0; run < 8; run++) {
    const child = runChild('deliver-child.ts', [state, outbox, wasSent]);
    if (kills < 3) {
      const after = 2 + Math.floor(random() * 10);
      // The kill lands a random 0-5 ms after the k-th outcome (sends of 0-3 ms in flight): the fault injection.
      child.onLine((_line, all) => {
        if (all.length === after) setTimeout(() => child.process.kill('SIGKILL'), random() * 5);
      });
    }
    const { code, signal } = await child.exited;
    if (signal === 'SIGKILL') kills += 1;
    else assert.is(code, 0, `worker exited cleanly: ${child.stderr()} ${why}`);
    if (child.lines.includes('empty') && kills >= 3) break;
  }
  assert.is(kills, 3, `three kills landed ${why}`);
  const delivered = (await readdir(outbox)).filter((f) => f.endsWith('.eml'));
  for (const q of queued) assert.ok(delivered.includes(`${fileBase(q.messageId)}.eml`), `${q.id} delivered ${why}`);
  const counts = await spoolCounts(spool, Date.now());
  assert.equal({ pending: counts.pending, delivered: counts.delivered, failed: counts.failed }, { pending: 0, delivered: 60, failed: 0 }, why);
  assert.equal(await readdir(spool.paths.attempts), [], `no attempt records left ${why}`);
  return { queued, delivered };
}

test('kill -9 three times while delivering: all delivered, none twice (wasSent), spool consistent', async () => {
  await withTempDir(async (state) => {
    const { queued, delivered } = await deliverWithKills(state, 'yes');
    assert.is(delivered.length, queued.length, `none delivered twice: ${delivered.filter((f) => /\.\d+\.eml$/.test(f)).join(', ')} ${why}`);
  });
});

test('kill -9 three times, transport without wasSent: at-least-once, at most one duplicate per in-flight send killed', async () => {
  await withTempDir(async (state) => {
    const { queued, delivered } = await deliverWithKills(state, 'no');
    assert.ok(delivered.length - queued.length <= 3 * 4, `duplicates bounded by kills x concurrency ${why}`);
  });
});

test.run();
