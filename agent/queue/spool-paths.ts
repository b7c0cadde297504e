// The spool's on-disk states. Each notification is in exactly one state, told by which directory holds
// its files, so recovery after kill -9 is a directory scan (see spool-recovery.ts):
//   tmp/<id>.<pid>.eml        being written by `send` (never acknowledged; removed once its writer is dead)
//   pending/<id>.eml          queued: a JSON meta line, then the composed MIME (stored once)
//   attempts/<id>.json        attempt record; `inProgressSince` set = a send may be on the wire (outcome unknown after a crash)
//   delivered/<id>.json       delivered (the body is gone); folded into counts.json by compaction
//   failed/<id>.eml + .json   failed for good, kept with the server's reason for inspection
import { join } from 'node:path';

export const SpoolDirs = ['tmp', 'pending', 'attempts', 'delivered', 'failed'] as const;

export function spoolPaths(spoolDir: string) {
  return {
    root: spoolDir,
    tmp: join(spoolDir, 'tmp'),
    pending: join(spoolDir, 'pending'),
    attempts: join(spoolDir, 'attempts'),
    delivered: join(spoolDir, 'delivered'),
    failed: join(spoolDir, 'failed'),
    counts: join(spoolDir, 'counts.json'),
    tmpFile: (id: string, pid: number) => join(spoolDir, 'tmp', `${id}.${pid}.eml`),
    pendingFile: (id: string) => join(spoolDir, 'pending', `${id}.eml`),
    attemptFile: (id: string) => join(spoolDir, 'attempts', `${id}.json`),
    deliveredFile: (id: string) => join(spoolDir, 'delivered', `${id}.json`),
    failedFile: (id: string) => join(spoolDir, 'failed', `${id}.eml`),
    failedRecord: (id: string) => join(spoolDir, 'failed', `${id}.json`),
  };
}

export type SpoolPaths = ReturnType<typeof spoolPaths>;

const ID = /^[0-9a-z]{9}-[0-9a-z]{3,}-[0-9a-f]{10}$/;

export function isSpoolId(value: string): boolean {
  return ID.test(value);
}

/** Ids of the files in `dir` named `<id><suffix>`, sorted (= FIFO order). */
export function idsWithSuffix(names: readonly string[], suffix: string): string[] {
  return names
    .filter((n) => n.endsWith(suffix))
    .map((n) => n.slice(0, -suffix.length))
    .filter(isSpoolId)
    .sort();
}
