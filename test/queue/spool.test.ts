import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compactDelivered, spoolCounts } from '../../agent/queue/spool-counts.ts';
import { recoverSpool } from '../../agent/queue/spool-recovery.ts';
import { beginInflight } from '../../agent/queue/spool-inflight.ts';
import { withTempDir } from '../helpers/temp-dir.ts';
import { Spool, submitMany } from './helpers.ts';

test('enqueue stores one file per notification (meta line + MIME), 0600 in 0700 dirs, FIFO by id', async () => {
  await withTempDir(async (state) => {
    const spool = await Spool.open(state);
    const queued = await submitMany(spool, 5);
    assert.equal(await spool.pendingIds(), queued.map((q) => q.id), 'FIFO order is the enqueue order');
    for (const dir of [spool.paths.root, spool.paths.pending, spool.paths.tmp]) assert.is((await stat(dir)).mode & 0o777, 0o700, dir);
    const file = spool.paths.pendingFile(queued[0]?.id ?? '');
    assert.is((await stat(file)).mode & 0o777, 0o600);
    const entry = await spool.read(queued[0]?.id ?? '');
    assert.is(entry?.meta.subject, 'n 0');
    assert.match(entry?.mime.toString('utf8') ?? '', new RegExp(`^Message-ID: ${queued[0]?.messageId}\\r$`, 'm'));
    assert.equal(await readdir(spool.paths.tmp), [], 'nothing left in tmp/');
  });
});

test('recovery finishes every interrupted transition (a directory scan)', async () => {
  await withTempDir(async (state) => {
    const spool = await Spool.open(state);
    const [a, b, c, d, e] = (await submitMany(spool, 5)).map((q) => q.id) as [string, string, string, string, string];
    // a: delivered record written, body not yet removed (crash inside markDelivered)
    await writeFile(spool.paths.deliveredFile(a), JSON.stringify({ id: a, messageId: 'm', deliveredAt: 'x', attempts: 1 }));
    // b: failed record written, body not yet moved
    await writeFile(spool.paths.failedRecord(b), JSON.stringify({ id: b, messageId: 'm', failedAt: 'x', attempts: 1, error: { code: 'RecipientRejected', message: 'no' } }));
    // c: crash during a send: marker in progress
    await spool.writeAttempt(c, { attempts: 1, firstAttemptAt: 'x', inProgressSince: 'x' });
    // d: retry-later record: stays as is
    await spool.writeAttempt(d, { attempts: 2, firstAttemptAt: 'x', nextAttemptAt: 5 });
    // orphan attempt record, a dead writer's tmp file, a live writer's tmp file, an atomic-write leftover
    await spool.writeAttempt('000000000-000-0000000000', { attempts: 1, firstAttemptAt: 'x' });
    await writeFile(join(spool.paths.tmp, `${e}x.999999999.eml`), 'partial');
    await writeFile(join(spool.paths.tmp, `zzz.${process.pid}.eml`), 'being written');
    await writeFile(join(spool.paths.attempts, `${d}.json.12345`), 'partial');

    const report = await recoverSpool(spool, (pid) => pid === process.pid);
    assert.equal(report, { removedPartial: 1, finishedDelivered: 1, finishedFailed: 1, unknownOutcome: [c] });
    assert.equal(await spool.pendingIds(), [c, d, e]);
    assert.ok((await readdir(spool.paths.failed)).includes(`${b}.eml`), 'failed body kept beside its record');
    assert.is((await spool.readAttempt(c))?.outcomeUnknown, true);
    assert.is((await spool.readAttempt(c))?.inProgressSince, undefined);
    assert.is((await spool.readAttempt(d))?.nextAttemptAt, 5);
    assert.equal((await readdir(spool.paths.attempts)).sort(), [`${c}.json`, `${d}.json`].sort());
    assert.equal(await readdir(spool.paths.tmp), [`zzz.${process.pid}.eml`], 'a live writer is left alone');
    const again = await recoverSpool(spool, () => false);
    assert.equal(again.finishedDelivered + again.finishedFailed, 0, 'recovery is idempotent');
  });
});

test('recovery of batches: a batch record commits its ids; a journal makes its still-pending ids outcome unknown; a torn journal goes', async () => {
  await withTempDir(async (state) => {
    const spool = await Spool.open(state);
    const [a, b, c, d, e] = (await submitMany(spool, 5)).map((q) => q.id) as [string, string, string, string, string];
    // One batch of a, b, c in flight; a and b delivered (batch record written, bodies not yet removed);
    // c got a retry-later record; d was in a second batch that got nowhere; e was not in flight.
    await beginInflight(spool.paths, { inProgressSince: 'x', entries: [a, b, c].map((id) => ({ id, attempts: 2, firstAttemptAt: 'f' })) }, Date.now());
    await beginInflight(spool.paths, { inProgressSince: 'x', entries: [{ id: d, attempts: 1, firstAttemptAt: 'g' }] }, Date.now());
    await writeFile(join(spool.paths.inflight, 'torn.json'), '{"inProgressSince":"x","entries":[{"id":"');
    await writeFile(spool.paths.deliveredNamed(`${a}.batch`), JSON.stringify([a, b].map((id) => ({ id, messageId: 'm', deliveredAt: 'x', attempts: 2 }))));
    await spool.writeAttempt(c, { attempts: 2, firstAttemptAt: 'f', nextAttemptAt: 7 });

    const recoveredAt = Date.UTC(2026, 0, 1, 12);
    const report = await recoverSpool(spool, () => false, recoveredAt);
    assert.equal(report, { removedPartial: 0, finishedDelivered: 2, finishedFailed: 0, unknownOutcome: [c, d] });
    assert.equal(await spool.pendingIds(), [c, d, e]);
    assert.equal(await readdir(spool.paths.inflight), [], 'journals (whole and torn) removed');
    // wasSent's window counts from the recovery: the crashed batch's sends went out at some moment before it.
    const at = new Date(recoveredAt).toISOString();
    assert.equal(await spool.readAttempt(c), { attempts: 2, firstAttemptAt: 'f', nextAttemptAt: 7, outcomeUnknown: true, lastAttemptAt: at });
    assert.equal(await spool.readAttempt(d), { attempts: 1, firstAttemptAt: 'g', outcomeUnknown: true, lastAttemptAt: at });
    assert.is(await spool.readAttempt(e), undefined);
    assert.is((await spool.readDelivered(b))?.attempts, 2);
    assert.is((await spoolCounts(spool, Date.now())).delivered, 2);
    assert.is(await compactDelivered(spool, 2), 2, 'a batch record counts its records');
    assert.is((await spoolCounts(spool, Date.now())).delivered, 2);
  });
});

test('counts, oldest pending age, and compaction that survives a crash between its steps', async () => {
  await withTempDir(async (state) => {
    const spool = await Spool.open(state);
    const ids = (await submitMany(spool, 6)).map((q) => q.id);
    for (const id of ids.slice(0, 4)) await spool.markDeliveredMany([{ id, messageId: 'm', deliveredAt: 'x', attempts: 1 }], new Set());
    await spool.markFailed({ id: ids[4] ?? '', messageId: 'm', failedAt: 'x', attempts: 1, error: { code: 'SendAsDenied', message: 'no' } });
    const now = Date.now() + 1000;
    const counts = await spoolCounts(spool, now);
    assert.equal({ ...counts, oldestPendingAgeMs: undefined }, { pending: 1, delivered: 4, failed: 1, oldestPendingAgeMs: undefined });
    assert.ok((counts.oldestPendingAgeMs ?? -1) >= 1000);

    assert.is(await compactDelivered(spool, 2), 4);
    assert.equal(await readdir(spool.paths.delivered), [], 'records folded away');
    assert.is((await spoolCounts(spool, now)).delivered, 4);
    // A crash after counts.json was written but before the files were removed: they must not count twice.
    const folded = JSON.parse(await readFile(spool.paths.counts, 'utf8')) as { folded: string[] };
    for (const id of folded.folded) await writeFile(spool.paths.deliveredFile(id), '{}');
    assert.is((await spoolCounts(spool, now)).delivered, 4);
    await recoverSpool(spool);
    assert.equal(await readdir(spool.paths.delivered), []);
    assert.is((await spoolCounts(spool, now)).delivered, 4);
  });
});

test.run();
