// Recovery after a crash at any point: a scan of the spool's directories that finishes every
// interrupted transition. Run by the agent (the only process that moves entries) before delivering.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listDir, removeQuietly, unlinkIfExists } from './fs-durable.ts';
import { deliveredNames, idsWithSuffix, isBatchName } from './spool-paths.ts';
import { readInflight } from './spool-inflight.ts';
import type { Spool } from './spool.ts';
import { foldCompacted } from './spool-counts.ts';

export interface RecoveryReport {
  removedPartial: number;
  finishedDelivered: number;
  finishedFailed: number;
  /** Entries whose last attempt was in progress at the crash: re-sent only after wasSent says no. */
  unknownOutcome: string[];
}

/**
 * `now`: when recovery runs. A batch in flight at the crash counts wasSent's window from then: its sends
 * went out at some moment before the agent died, which is before now (and maybe long after the batch began).
 */
export async function recoverSpool(spool: Spool, isAlive: (pid: number) => boolean = processAlive, now = Date.now()): Promise<RecoveryReport> {
  const recoveredAt = new Date(now).toISOString();
  const p = spool.paths;
  const report: RecoveryReport = { removedPartial: 0, finishedDelivered: 0, finishedFailed: 0, unknownOutcome: [] };

  const unknown = new Set<string>();
  report.removedPartial = await sweepDeadWriters(spool, isAlive);
  const pending = new Set(await spool.pendingIds());

  // delivered/ wins over pending/: the record is the commit point.
  for (const id of await deliveredIds(spool)) {
    if (pending.delete(id)) report.finishedDelivered += 1;
    await unlinkIfExists(p.pendingFile(id));
    await unlinkIfExists(p.attemptFile(id));
  }
  for (const id of idsWithSuffix(await listDir(p.failed), '.json')) {
    if (pending.delete(id)) report.finishedFailed += 1;
    await spool.finishFailed(id);
  }
  // A batch in flight at the crash: each of its ids still pending has an unknown outcome, recorded per id
  // before the journal goes, durably: the journal is another file, so without the fsync a power cut could
  // keep its removal and lose the records, and the entries would be sent again without asking.
  for (const { name, journal } of await readInflight(p)) {
    for (const entry of journal?.entries ?? []) {
      if (!pending.has(entry.id)) continue;
      const prior = await spool.readAttempt(entry.id);
      const { inProgressSince: _since, ...rest } = prior ?? { attempts: 0, firstAttemptAt: entry.firstAttemptAt };
      await spool.writeAttempt(entry.id, {
        ...rest, attempts: Math.max(rest.attempts, entry.attempts), firstAttemptAt: rest.firstAttemptAt, outcomeUnknown: true, lastAttemptAt: recoveredAt,
      }, true);
      unknown.add(entry.id);
    }
    await unlinkIfExists(p.inflightFile(name));
  }
  for (const id of idsWithSuffix(await listDir(p.attempts), '.json')) {
    if (!pending.has(id)) {
      await unlinkIfExists(p.attemptFile(id));
      continue;
    }
    const attempt = await spool.readAttempt(id);
    // A per-id in-progress marker (spools of earlier versions): rewritten in place, so losing the rewrite
    // leaves the marker, which says the same.
    if (attempt?.inProgressSince !== undefined) {
      unknown.add(id);
      const { inProgressSince: _since, ...rest } = attempt;
      await spool.writeAttempt(id, { ...rest, outcomeUnknown: true, lastAttemptAt: recoveredAt });
    }
  }
  // Temp files of interrupted atomic writes (<file>.<pid>.<random>.tmp).
  for (const dir of [p.inflight, p.attempts, p.delivered, p.failed]) {
    for (const name of await listDir(dir)) {
      if (!/\.(json|eml)$/.test(name)) await removeQuietly(join(dir, name));
    }
  }
  await foldCompacted(spool);
  report.unknownOutcome = [...unknown].sort();
  return report;
}

/** The ids with a delivered record, in their own files or in a batch's. */
async function deliveredIds(spool: Spool): Promise<string[]> {
  const ids: string[] = [];
  for (const name of deliveredNames(await listDir(spool.paths.delivered))) {
    if (!isBatchName(name)) ids.push(name);
    else {
      const records = await readJsonIfWhole<{ id: string }[]>(spool.paths.deliveredNamed(name));
      if (records) ids.push(...records.map((r) => r.id));
      // A torn batch record (only a power cut can leave one: it is written beside and renamed) commits nothing.
      else await unlinkIfExists(spool.paths.deliveredNamed(name));
    }
  }
  return ids;
}

async function readJsonIfWhole<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (err) {
    if (err instanceof SyntaxError || (err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * tmp/: a writer that died never acknowledged its notification; a live one (a running `send`) is left
 * alone. Also run by the worker's periodic scan, for `send`s that die while the agent runs.
 */
export async function sweepDeadWriters(spool: Spool, isAlive: (pid: number) => boolean = processAlive): Promise<number> {
  let removed = 0;
  for (const name of await listDir(spool.paths.tmp)) {
    const pid = Number(/\.(\d+)\.eml$/.exec(name)?.[1]);
    if (!Number.isInteger(pid) || !isAlive(pid)) {
      await removeQuietly(join(spool.paths.tmp, name));
      removed += 1;
    }
  }
  return removed;
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
