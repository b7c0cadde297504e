// Bounded waits for asynchronous outcomes: a condition checked again until it holds or the deadline passes
// (never an unbounded loop, and never a fixed sleep followed by an assertion). `what` names the event for the
// failure message; as a function it is asked only then (e.g. to add the agent's output so far).
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export type What = string | (() => string);
const describe = (what: What): string => (typeof what === 'string' ? what : what());

export async function waitFor(predicate: () => boolean | Promise<boolean>, what: What, timeoutMs = 10_000, pollMs = 10): Promise<void> {
  await waitForValue(async () => ((await predicate()) ? true : undefined), what, timeoutMs, pollMs);
}

/** Waits until `produce` gives a value (not undefined) and returns it. */
export async function waitForValue<T>(produce: () => T | undefined | Promise<T | undefined>, what: What, timeoutMs = 10_000, pollMs = 10): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await produce();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${describe(what)}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/**
 * Waits until `judge`, given the file's text (undefined while it cannot be read), returns a value, and returns
 * it. The file is read again on every change in its folder (fs.watch: an append, or a rename over it as an
 * atomic write does), and at least every `safetyMs` (a watch may miss a change, or the folder may not exist
 * yet).
 */
export async function untilFile<T>(file: string, judge: (text: string | undefined) => T | undefined, what: What, timeoutMs = 10_000, safetyMs = 250): Promise<T> {
  let changed: boolean | undefined;
  let wake = (): void => undefined;
  let watcher: FSWatcher | undefined;
  const watchFolder = () => {
    try {
      watcher = watch(dirname(file), { persistent: false }, () => { changed = true; wake(); });
      watcher.on('error', () => { watcher?.close(); watcher = undefined; });
    } catch {
      // The folder is not there yet: the safety interval reads the file, and the next round watches again.
    }
  };
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!watcher) watchFolder();
      changed = false;
      const value = judge(await readFile(file, 'utf8').catch(() => undefined));
      if (value !== undefined) return value;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${describe(what)} in ${file}`);
      if (changed) continue; // changed while it was being read
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(safetyMs, left));
        wake = () => { clearTimeout(timer); resolve(); };
      });
      wake = () => undefined;
    }
  } finally {
    watcher?.close();
  }
}

/** The JSON lines of a text (a log, deliveries.jsonl); none for a file not there yet. */
export function jsonLines<T>(text: string | undefined): T[] {
  return (text ?? '').split('\n').filter(Boolean).map((line) => JSON.parse(line) as T);
}
