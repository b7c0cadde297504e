// Wakes the worker when another process (`send`) renames a notification into pending/. fs.watch on the
// directory is prompt; the worker's slow periodic scan is the safety net for platforms where it misses.
import { watch, type FSWatcher } from 'node:fs';

/** `onChange` gets the changed file's name when the platform reports it. */
export function watchPending(dir: string, onChange: (filename: string | undefined) => void): { close(): void } {
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dir, { persistent: false }, (_event, filename) => onChange(filename ?? undefined));
    watcher.on('error', () => { watcher?.close(); watcher = undefined; });
  } catch {
    watcher = undefined; // the periodic scan still finds new entries
  }
  return { close: () => watcher?.close() };
}
