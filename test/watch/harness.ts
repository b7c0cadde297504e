// Drives a real SettingsWatcher on real files and records what it reports.
import { setTimeout as sleep } from 'node:timers/promises';
import { SettingsWatcher, type SettingsWatcherOptions } from '../../agent/watch/settings-watcher.ts';
import type { SourceSnapshot } from '../../agent/watch/snapshot.ts';

export interface Recorded {
  watcher: SettingsWatcher;
  snapshots: SourceSnapshot[];
  /** Contents of the reported snapshots (`<missing>` for a missing file). */
  contents(): string[];
  /** Resolves once the last snapshot satisfies `pred`, then waits `settleMs` so stray duplicates show. */
  until(pred: (s: SourceSnapshot) => boolean, what: string, timeoutMs?: number, settleMs?: number): Promise<void>;
  close(): Promise<void>;
}

export function contentOf(s: SourceSnapshot): string {
  return s.kind === 'present' ? s.bytes.toString('utf8') : `<${s.kind}>`;
}

export async function record(path: string, options: Partial<SettingsWatcherOptions> = {}): Promise<Recorded> {
  const snapshots: SourceSnapshot[] = [];
  const watcher = new SettingsWatcher({ path, onSnapshot: (s) => snapshots.push(s), ...options });
  await watcher.start();
  return {
    watcher, snapshots,
    contents: () => snapshots.map(contentOf),
    async until(pred, what, timeoutMs = 5000, settleMs = 200) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const last = snapshots.at(-1);
        if (last && pred(last)) break;
        if (Date.now() > deadline) throw new Error(`never saw ${what}; saw ${JSON.stringify(snapshots.map(contentOf))}`);
        await sleep(20);
      }
      await sleep(settleMs);
    },
    close: () => watcher.close(),
  };
}

export const hasContent = (text: string) => (s: SourceSnapshot) => contentOf(s) === text;
