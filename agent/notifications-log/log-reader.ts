// Reads the outgoing-notifications log newest first, across rotated files, stopping after `tail` entries.
import { readFile } from 'node:fs/promises';
import type { NotificationLogEntry } from './entry.ts';
import { filesNewestFirst } from './rotation.ts';

export async function readLogNewestFirst(path: string, options: { tail?: number; keep?: number } = {}): Promise<NotificationLogEntry[]> {
  const tail = options.tail ?? Infinity;
  const out: NotificationLogEntry[] = [];
  for (const file of filesNewestFirst(path, options.keep ?? 20)) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    for (let i = lines.length - 1; i >= 0 && out.length < tail; i--) {
      const entry = parseLine(lines[i] ?? '');
      if (entry) out.push(entry);
    }
    if (out.length >= tail) break;
  }
  return out;
}

/** A torn last line (crash mid-append) is skipped, not fatal. */
function parseLine(line: string): NotificationLogEntry | undefined {
  try {
    return JSON.parse(line) as NotificationLogEntry;
  } catch {
    return undefined;
  }
}
