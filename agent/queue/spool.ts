// The durable notification spool in the state dir (layout and states in spool-paths.ts). `send` processes
// only enqueue (tmp → rename into pending); the single agent moves entries through their states.
import { readFileSync } from 'node:fs';
import { readFile, rename } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { AgentError, ErrorCodes } from '../errors.ts';
import { statePaths } from '../state/layout.ts';
import { ensurePrivateStateDir } from '../state/private-dir.ts';
import { atomicWrite, fsyncDirectory, listDir, replaceFileFast, unlinkIfExists, writeNewFileDurably } from './fs-durable.ts';
import { deliveredNames, idsWithSuffix, isBatchName, spoolPaths, SpoolDirs, type SpoolPaths } from './spool-paths.ts';
import type { AttemptRecord, DeliveredRecord, FailedRecord, SpoolMeta } from './spool-types.ts';

export interface SpoolEntry {
  meta: SpoolMeta;
  mime: Buffer;
}

export class Spool {
  readonly paths: SpoolPaths;

  private constructor(paths: SpoolPaths) {
    this.paths = paths;
  }

  /** Opens (creating, 0700) the spool of a state dir, refusing folders that others own or can write. */
  static async open(stateDir: string): Promise<Spool> {
    const paths = spoolPaths(statePaths(stateDir).spool);
    await ensurePrivateStateDir(stateDir, [paths.root, ...SpoolDirs.map((dir) => paths[dir])]);
    return new Spool(paths);
  }

  /** Returns once the notification is on disk: file fsynced, renamed into pending/, directory fsynced. */
  async enqueue(meta: SpoolMeta, mime: Readable): Promise<void> {
    const tmp = this.paths.tmpFile(meta.id, process.pid);
    try {
      await writeNewFileDurably(tmp, Buffer.from(JSON.stringify(meta) + '\n', 'utf8'), mime);
      await rename(tmp, this.paths.pendingFile(meta.id));
      await fsyncDirectory(this.paths.pending);
    } catch (err) {
      await unlinkIfExists(tmp);
      if ((err as NodeJS.ErrnoException).code === 'ENOSPC') throw new AgentError(ErrorCodes.DiskFull, 'no space left in the state dir: nothing queued', { cause: err });
      throw err;
    }
  }

  async pendingIds(): Promise<string[]> {
    return idsWithSuffix(await listDir(this.paths.pending), '.eml');
  }

  async attemptIds(): Promise<string[]> {
    return idsWithSuffix(await listDir(this.paths.attempts), '.json');
  }

  /** The queued entry, or undefined when it is no longer pending. */
  async read(id: string): Promise<SpoolEntry | undefined> {
    let raw: Buffer;
    try {
      raw = await readFile(this.paths.pendingFile(id));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    return parseEntry(raw);
  }

  /**
   * The same, read synchronously: the delivery worker reads a whole batch of small files at once, and a
   * synchronous read costs a fraction of the CPU of a promise round trip through the thread pool.
   */
  readNow(id: string): SpoolEntry | undefined {
    let raw: Buffer;
    try {
      raw = readFileSync(this.paths.pendingFile(id));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    return parseEntry(raw);
  }

  async readAttempt(id: string): Promise<AttemptRecord | undefined> {
    return readJson<AttemptRecord>(this.paths.attemptFile(id));
  }

  /**
   * An attempt record. `durable` (fsynced) where it alone must carry "outcome unknown" across a power cut:
   * recovery's records that replace an in-flight journal. A retry-later record need not be: if a power cut
   * loses it, the attempt is merely made again sooner.
   */
  async writeAttempt(id: string, record: AttemptRecord, durable = false): Promise<void> {
    const data = JSON.stringify(record);
    if (durable) await atomicWrite(this.paths.attemptFile(id), data);
    else await replaceFileFast(this.paths.attemptFile(id), data);
  }

  /**
   * A batch's deliveries: ONE record file for all of them (one alone gets delivered/<id>.json), then the
   * bodies go, and the attempt records of those that had one (`withAttemptRecord`). The unlinks run in the
   * thread pool, all at once: freeing inodes costs the kernel enough (docs/performance.md) that on the event loop it would
   * stall the sends of the batches still in flight.
   */
  async markDeliveredMany(records: readonly DeliveredRecord[], withAttemptRecord: ReadonlySet<string>): Promise<void> {
    const [first] = records;
    if (first === undefined) return;
    // The record is the commit point (recovery goes by the ids it names). Not fsynced: after a power cut that
    // loses it, the fsynced in-flight journal makes the entries "outcome unknown", and wasSent confirms them
    // without sending again. Written beside and renamed, so a kill -9 mid-write never leaves an empty or
    // half record under the committed name.
    if (records.length === 1) await replaceFileFast(this.paths.deliveredFile(first.id), JSON.stringify(first));
    else await replaceFileFast(this.paths.deliveredNamed(`${first.id}.batch`), JSON.stringify(records));
    await Promise.all(records.flatMap(({ id }) => [
      unlinkIfExists(this.paths.pendingFile(id)),
      ...(withAttemptRecord.has(id) ? [unlinkIfExists(this.paths.attemptFile(id))] : []),
    ]));
  }

  async markFailed(record: FailedRecord): Promise<void> {
    await atomicWrite(this.paths.failedRecord(record.id), JSON.stringify(record));
    await this.finishFailed(record.id);
  }

  /** Moves the body of a failed entry next to its record (also run by recovery). */
  async finishFailed(id: string): Promise<void> {
    try {
      await rename(this.paths.pendingFile(id), this.paths.failedFile(id));
      await fsyncDirectory(this.paths.failed);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    await unlinkIfExists(this.paths.attemptFile(id));
  }

  async readFailed(id: string): Promise<FailedRecord | undefined> {
    return readJson<FailedRecord>(this.paths.failedRecord(id));
  }

  /** The delivered record of an id not yet folded into counts.json (in its own file or a batch's). */
  async readDelivered(id: string): Promise<DeliveredRecord | undefined> {
    const own = await readJson<DeliveredRecord>(this.paths.deliveredFile(id));
    if (own) return own;
    for (const name of deliveredNames(await listDir(this.paths.delivered)).filter(isBatchName)) {
      const found = (await readJson<DeliveredRecord[]>(this.paths.deliveredNamed(name)))?.find((r) => r.id === id);
      if (found) return found;
    }
    return undefined;
  }
}

export function parseEntry(raw: Buffer): SpoolEntry {
  const newline = raw.indexOf(0x0a);
  if (newline < 0) throw new AgentError(ErrorCodes.Internal, 'spool entry has no meta line');
  const meta = JSON.parse(raw.subarray(0, newline).toString('utf8')) as SpoolMeta;
  return { meta, mime: raw.subarray(newline + 1) };
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
