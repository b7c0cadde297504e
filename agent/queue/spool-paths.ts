// The spool's on-disk states. Each notification is in exactly one state, told by which directory holds
// its files, so recovery after kill -9 is a directory scan (see spool-recovery.ts):
//   tmp/<id>.<pid>.eml        being written by `send` (never acknowledged; removed once its writer is dead)
//   pending/<id>.eml          queued: a JSON meta line, then the composed MIME (stored once)
//   inflight/<batch>.json     the ids of a batch whose sends may be on the wire, with their attempt numbers:
//                             written and fsynced once per batch before its sends start, removed once the
//                             batch's outcomes are recorded; after a crash, each id still pending is "outcome
//                             unknown" (spool-inflight.ts)
//   attempts/<id>.json        attempt record: retry-later (backoff, last error) or outcome unknown; an
//                             `inProgressSince` set is the per-id form of an in-flight entry (still read by recovery)
//   delivered/<id>.json       delivered (the body is gone); folded into counts.json by compaction
//   delivered/<id>.batch.json the delivered records of one batch (named after its first id), same meaning
//   failed/<id>.eml + .json   failed for good, kept with the server's reason for inspection
import { join } from 'node:path';

export const SpoolDirs = ['tmp', 'pending', 'inflight', 'attempts', 'delivered', 'failed'] as const;

export function spoolPaths(spoolDir: string) {
  return {
    root: spoolDir,
    tmp: join(spoolDir, 'tmp'),
    pending: join(spoolDir, 'pending'),
    inflight: join(spoolDir, 'inflight'),
    attempts: join(spoolDir, 'attempts'),
    delivered: join(spoolDir, 'delivered'),
    failed: join(spoolDir, 'failed'),
    counts: join(spoolDir, 'counts.json'),
    tmpFile: (id: string, pid: number) => join(spoolDir, 'tmp', `${id}.${pid}.eml`),
    pendingFile: (id: string) => join(spoolDir, 'pending', `${id}.eml`),
    attemptFile: (id: string) => join(spoolDir, 'attempts', `${id}.json`),
    deliveredFile: (id: string) => join(spoolDir, 'delivered', `${id}.json`),
    /** `name` as listed by deliveredNames(): an id, or `<id>.batch`. */
    deliveredNamed: (name: string) => join(spoolDir, 'delivered', `${name}.json`),
    inflightFile: (name: string) => join(spoolDir, 'inflight', `${name}.json`),
    failedFile: (id: string) => join(spoolDir, 'failed', `${id}.eml`),
    failedRecord: (id: string) => join(spoolDir, 'failed', `${id}.json`),
  };
}

export type SpoolPaths = ReturnType<typeof spoolPaths>;

const ID = /^[0-9a-z]{9}-[0-9a-z]{3,}-[0-9a-f]{10}$/;

export function isSpoolId(value: string): boolean {
  return ID.test(value);
}

/** Names (without .json) of the delivered records in a listing of delivered/: `<id>` and `<id>.batch`. */
export function deliveredNames(names: readonly string[]): string[] {
  return names
    .filter((n) => n.endsWith('.json'))
    .map((n) => n.slice(0, -'.json'.length))
    .filter((n) => isSpoolId(n.endsWith('.batch') ? n.slice(0, -'.batch'.length) : n))
    .sort();
}

export function isBatchName(name: string): boolean {
  return name.endsWith('.batch');
}

/** Ids of the files in `dir` named `<id><suffix>`, sorted (= FIFO order). */
export function idsWithSuffix(names: readonly string[], suffix: string): string[] {
  return names
    .filter((n) => n.endsWith(suffix))
    .map((n) => n.slice(0, -suffix.length))
    .filter(isSpoolId)
    .sort();
}
