// Counts for the status file, and compaction: delivered records are folded into counts.json (keeping the
// count, not the bodies or records). Compaction is idempotent across a crash: counts.json names the batch
// it folded, and files of that batch still present are removed without being counted again.
import { readFile } from 'node:fs/promises';
import { idTime } from '../message/message-id.ts';
import { atomicWrite, listDir, unlinkIfExists } from './fs-durable.ts';
import { idsWithSuffix } from './spool-paths.ts';
import type { Spool } from './spool.ts';
import type { SpoolCounts } from './spool-types.ts';

interface CountsFile {
  delivered: number;
  /** The last folded batch: may still be on disk if a crash interrupted the removal. */
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
  for (const id of counts.folded) await unlinkIfExists(spool.paths.deliveredFile(id));
  return counts;
}

/** Folds delivered records into counts.json once there are at least `minBatch` of them. */
export async function compactDelivered(spool: Spool, minBatch = 100): Promise<number> {
  const counts = await foldCompacted(spool);
  const ids = idsWithSuffix(await listDir(spool.paths.delivered), '.json');
  if (ids.length < minBatch) return 0;
  await atomicWrite(spool.paths.counts, JSON.stringify({ delivered: counts.delivered + ids.length, folded: ids } satisfies CountsFile));
  for (const id of ids) await unlinkIfExists(spool.paths.deliveredFile(id));
  return ids.length;
}

export async function spoolCounts(spool: Spool, now: number): Promise<SpoolCounts> {
  const counts = await readCounts(spool);
  const folded = new Set(counts.folded);
  const deliveredIds = idsWithSuffix(await listDir(spool.paths.delivered), '.json').filter((id) => !folded.has(id));
  const pendingIds = await spool.pendingIds();
  const failed = idsWithSuffix(await listDir(spool.paths.failed), '.json').length;
  const oldest = pendingIds[0] === undefined ? undefined : idTime(pendingIds[0]);
  return {
    pending: pendingIds.length,
    delivered: counts.delivered + deliveredIds.length,
    failed,
    ...(oldest === undefined ? {} : { oldestPendingAgeMs: Math.max(0, now - oldest) }),
  };
}
