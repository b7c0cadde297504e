// Counts for the status file, and compaction: delivered records are folded into counts.json (keeping the
// count, not the bodies or records). Compaction is idempotent across a crash: counts.json names the record
// files it folded (an id, or `<id>.batch` for a batch's records), and those still present are removed
// without being counted again.
import { readFile } from 'node:fs/promises';
import { idTime } from '../message/message-id.ts';
import { atomicWrite, listDir, unlinkIfExists } from './fs-durable.ts';
import { deliveredNames, idsWithSuffix, isBatchName } from './spool-paths.ts';
import type { Spool } from './spool.ts';
import type { SpoolCounts } from './spool-types.ts';

interface CountsFile {
  delivered: number;
  /** The record files last folded (names without .json): may still be on disk if a crash interrupted the removal. */
  folded: string[];
}

async function readCounts(spool: Spool): Promise<CountsFile> {
  try {
    return JSON.parse(await readFile(spool.paths.counts, 'utf8')) as CountsFile;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { delivered: 0, folded: [] };
    throw err;
  }
}

/** Removes leftovers of the last folded batch. */
export async function foldCompacted(spool: Spool): Promise<CountsFile> {
  const counts = await readCounts(spool);
  for (const name of counts.folded) await unlinkIfExists(spool.paths.deliveredNamed(name));
  return counts;
}

/** Records per batch file, by path: a batch record never changes once renamed into place (counted each second). */
const batchSizes = new Map<string, number>();

/** How many deliveries the record files hold: one for an id's own file, the length of a batch's. */
async function recordsIn(spool: Spool, names: readonly string[]): Promise<number> {
  let n = 0;
  for (const name of names) {
    if (!isBatchName(name)) {
      n += 1;
      continue;
    }
    const path = spool.paths.deliveredNamed(name);
    let size = batchSizes.get(path);
    if (size === undefined) {
      try {
        size = (JSON.parse(await readFile(path, 'utf8')) as unknown[]).length;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        continue;
      }
      if (batchSizes.size >= 10_000) batchSizes.clear(); // bounded; worst case a re-read
      batchSizes.set(path, size);
    }
    n += size;
  }
  return n;
}

/** Folds delivered records into counts.json once there are at least `minBatch` of them. */
export async function compactDelivered(spool: Spool, minBatch = 100): Promise<number> {
  const counts = await foldCompacted(spool);
  const names = deliveredNames(await listDir(spool.paths.delivered));
  const n = await recordsIn(spool, names);
  if (n < minBatch) return 0;
  await atomicWrite(spool.paths.counts, JSON.stringify({ delivered: counts.delivered + n, folded: names } satisfies CountsFile));
  for (const name of names) {
    await unlinkIfExists(spool.paths.deliveredNamed(name));
    batchSizes.delete(spool.paths.deliveredNamed(name));
  }
  return n;
}

export async function spoolCounts(spool: Spool, now: number): Promise<SpoolCounts> {
  const counts = await readCounts(spool);
  const folded = new Set(counts.folded);
  const unfolded = deliveredNames(await listDir(spool.paths.delivered)).filter((name) => !folded.has(name));
  const delivered = await recordsIn(spool, unfolded);
  const pendingIds = await spool.pendingIds();
  const failed = idsWithSuffix(await listDir(spool.paths.failed), '.json').length;
  const oldest = pendingIds[0] === undefined ? undefined : idTime(pendingIds[0]);
  return {
    pending: pendingIds.length,
    delivered: counts.delivered + delivered,
    failed,
    ...(oldest === undefined ? {} : { oldestPendingAgeMs: Math.max(0, now - oldest) }),
  };
}
