// Appends JSON lines (0600) to the outgoing-notifications log, rotating by size and keeping `keep` old
// files. The agent is the only writer; appends are serialized so concurrent deliveries never interleave.
import { appendFile, rename, stat } from 'node:fs/promises';
import type { NotificationLogEntry } from './entry.ts';
import { rotatedName } from './rotation.ts';

export interface LogWriterOptions {
  /** Rotate once the live file would exceed this many bytes (default 10 MiB). */
  maxBytes?: number;
  /** Rotated files kept besides the live one (default 5). */
  keep?: number;
}

export class NotificationsLogWriter {
  readonly path: string;
  private readonly maxBytes: number;
  private readonly keep: number;
  private size: number | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(path: string, options: LogWriterOptions = {}) {
    this.path = path;
    this.maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
    this.keep = options.keep ?? 5;
  }

  append(entry: NotificationLogEntry): Promise<void> {
    return this.appendMany([entry]);
  }

  /** Several lines in one write (a delivery batch's), all in the same file: rotation happens between writes. */
  appendMany(entries: readonly NotificationLogEntry[]): Promise<void> {
    if (entries.length === 0) return this.chain;
    let text = '';
    for (const entry of entries) text += JSON.stringify(entry) + '\n';
    const next = this.chain.then(() => this.write(text));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async write(line: string): Promise<void> {
    const bytes = Buffer.byteLength(line);
    this.size ??= await currentSize(this.path);
    if (this.size > 0 && this.size + bytes > this.maxBytes) {
      await this.rotate();
      this.size = 0;
    }
    await appendFile(this.path, line, { mode: 0o600 });
    this.size += bytes;
  }

  private async rotate(): Promise<void> {
    for (let i = this.keep; i >= 1; i--) {
      try {
        await rename(rotatedName(this.path, i - 1), rotatedName(this.path, i));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
  }
}

async function currentSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
}
