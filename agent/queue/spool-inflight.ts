// The in-flight journal: before a batch's sends start, ONE fsynced file lists its ids with their attempt
// numbers, instead of an fsynced marker per notification. It means for each of them exactly what a per-id
// in-progress marker means: a send may be on the wire, so after a crash the outcome is unknown and wasSent
// is asked before sending again. Removed (not fsynced, like the markers were) once the batch's outcomes
// are recorded: a power cut that undoes the removal only costs wasSent queries.
import { open, readFile, unlink } from 'node:fs/promises';
import { fsyncDirectory, listDir } from './fs-durable.ts';
import type { SpoolPaths } from './spool-paths.ts';

export interface InflightEntry { id: string; attempts: number; firstAttemptAt: string }

export interface InflightJournal { inProgressSince: string; entries: InflightEntry[] }

let sequence = 0;

/** Returns once the journal is on disk (file and directory fsynced); its name is for endInflight. */
export async function beginInflight(paths: SpoolPaths, journal: InflightJournal, now: number): Promise<string> {
  sequence += 1;
  const name = `${now.toString(36)}-${process.pid}-${sequence}`;
  // Written in place, not renamed: until the fsync returns no send has started, so a torn journal
  // (crash before that) names nothing that could be on the wire, and recovery just removes it.
  const handle = await open(paths.inflightFile(name), 'wx', 0o600);
  try {
    await handle.writeFile(JSON.stringify(journal));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fsyncDirectory(paths.inflight);
  return name;
}

export async function endInflight(paths: SpoolPaths, name: string): Promise<void> {
  await unlink(paths.inflightFile(name));
}

/** The journals left by a crash (a torn one is undefined: nothing it names was sent), with their names. */
export async function readInflight(paths: SpoolPaths): Promise<{ name: string; journal: InflightJournal | undefined }[]> {
  const out: { name: string; journal: InflightJournal | undefined }[] = [];
  for (const file of (await listDir(paths.inflight)).filter((n) => n.endsWith('.json')).sort()) {
    const name = file.slice(0, -'.json'.length);
    let journal: InflightJournal | undefined;
    try {
      journal = JSON.parse(await readFile(paths.inflightFile(name), 'utf8')) as InflightJournal;
      if (!Array.isArray(journal.entries)) journal = undefined;
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
    }
    out.push({ name, journal });
  }
  return out;
}
