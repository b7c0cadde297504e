// Drives a real SettingsWatcher on real files and records what it reports.
import { watch } from 'node:fs';
import { realpath, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { systemTimers, type Timers } from '../../agent/clock.ts';
import { SettingsWatcher, type SettingsWatcherOptions } from '../../agent/watch/settings-watcher.ts';
import type { SourceSnapshot } from '../../agent/watch/snapshot.ts';
import { waitFor } from '../helpers/wait.ts';

export interface Recorded {
  watcher: SettingsWatcher;
  snapshots: SourceSnapshot[];
  /** Why each snapshot was taken (the watcher's cause: an event's name, 'poll', 'SIGHUP', …). */
  causes: string[];
  /** How many periodic checks have started. */
  polls(): number;
  /** Contents of the reported snapshots (`<missing>` for a missing file). */
  contents(): string[];
  /** Resolves once the last snapshot satisfies `pred`. */
  until(pred: (s: SourceSnapshot) => boolean, what: string, timeoutMs?: number): Promise<void>;
  /**
   * The snapshots reported before a later change. First every file event of the earlier writes has reached
   * the watcher (a marker file made in the watched folders after them is seen by a watch of our own, through
   * the same inotify queue), chokidar has emitted what it held back, and each look the watcher scheduled has
   * started (no timer of theirs is pending); then a new complete content is renamed over the file's real
   * path, and this resolves when that is reported. The watcher reads one at a time, in order: a duplicate or
   * a late intermediate content of the earlier writes would be reported before the later change, so it shows
   * in the list.
   */
  beforeNextChange(): Promise<SourceSnapshot[]>;
  close(): Promise<void>;
}

export function contentOf(s: SourceSnapshot): string {
  return s.kind === 'present' ? s.bytes.toString('utf8') : `<${s.kind}>`;
}

export async function record(path: string, options: Partial<SettingsWatcherOptions> = {}): Promise<Recorded> {
  const snapshots: SourceSnapshot[] = [];
  const causes: string[] = [];
  const pending = new Set<unknown>();
  let polls = 0;
  const timers: Timers = {
    ...systemTimers,
    setInterval: (fn, ms) => systemTimers.setInterval(() => { fn(); polls += 1; }, ms),
    setTimeout: (fn, ms) => {
      const handle = systemTimers.setTimeout(() => { pending.delete(handle); fn(); }, ms);
      pending.add(handle);
      return handle;
    },
    clearTimeout: (handle) => { pending.delete(handle); systemTimers.clearTimeout(handle); },
  };
  const watcher = new SettingsWatcher({ path, onSnapshot: (s, cause) => { snapshots.push(s); causes.push(cause); }, timers, ...options });
  await watcher.start();
  let sentinels = 0;
  const rec: Recorded = {
    watcher, snapshots, causes,
    polls: () => polls,
    contents: () => snapshots.map(contentOf),
    async until(pred, what, timeoutMs = 5000) {
      await waitFor(() => { const last = snapshots.at(-1); return last !== undefined && pred(last); },
        () => `${what}; saw ${JSON.stringify(snapshots.map(contentOf))}`, timeoutMs);
    },
    async beforeNextChange() {
      const sentinel = `# a later change ${++sentinels}\n`;
      const real = await realpath(path);
      for (const folder of new Set([dirname(path), dirname(real)])) await eventsDelivered(folder, `marker-${sentinels}`);
      // chokidar's own delays (an unlink held 100 ms in case the file comes back, `change` throttled) are timers
      // that keep the process alive; the watcher's are unref'd and counted in `pending`.
      await waitFor(() => pending.size === 0 && !process.getActiveResourcesInfo().includes('Timeout'),
        'the watcher\'s looks at the earlier writes under way, and chokidar\'s delayed events emitted');
      await writeFile(`${real}.sentinel`, sentinel);
      await rename(`${real}.sentinel`, real);
      await rec.until(hasContent(sentinel), 'the later change');
      return snapshots.slice(0, -1);
    },
    close: () => watcher.close(),
  };
  return rec;
}

export const hasContent = (text: string) => (s: SourceSnapshot) => contentOf(s) === text;

/** Resolves once a file made now in `folder` is seen by a watch of this process: the events of earlier
 *  changes there have been handed to every watch of the process before it (one inotify queue, read in order). */
async function eventsDelivered(folder: string, name: string): Promise<void> {
  const marker = `${folder}/${name}`;
  let seen!: () => void;
  const delivered = new Promise<void>((resolve) => { seen = resolve; });
  const own = watch(folder, { persistent: false }, (_event, file) => { if (file !== null && basename(file.toString()) === name) seen(); });
  try {
    await writeFile(marker, '');
    await Promise.race([delivered, new Promise((_resolve, reject) => { systemTimers.setTimeout(() => reject(new Error(`no event for ${marker}`)), 10_000); })]);
  } finally {
    own.close();
    await rm(marker, { force: true });
  }
}
