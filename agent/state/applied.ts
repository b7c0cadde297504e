// applied.json: written by the agent when a revision becomes live; read by `send` (another process).
import { readFile } from 'node:fs/promises';
import type { Settings } from '../config/settings.ts';
import type { TransportInfo } from '../types/transport-info.ts';
import { atomicWrite } from './atomic-write.ts';
import { statePaths } from './layout.ts';

export interface AppliedRecord {
  revision: string;
  settingsDigest: string;
  appliedAt: string;
  settings: Settings;
  transport?: TransportInfo;
}

export async function writeApplied(stateDir: string, record: AppliedRecord): Promise<void> {
  await atomicWrite(statePaths(stateDir).applied, JSON.stringify(record, null, 2) + '\n');
}

/** The applied record, or undefined when no settings were applied yet. */
export async function readApplied(stateDir: string): Promise<AppliedRecord | undefined> {
  try {
    return JSON.parse(await readFile(statePaths(stateDir).applied, 'utf8')) as AppliedRecord;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
