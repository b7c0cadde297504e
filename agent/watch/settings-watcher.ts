// Watches the settings file and the files it references. Events only say "look again": after a short
// trailing debounce the files are read and digested, and the listener hears only of a changed digest.
// (chokidar throttles `change` on the leading edge with no trailing event: a truncate-then-write 10–30 ms
// apart would otherwise leave us with the empty file.) A slow periodic check is the safety net.
import { watch as fsWatch, type FSWatcher as FolderWatch } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { systemTimers, type Timers } from '../clock.ts';
import { takeSnapshot, type SourceSnapshot } from './snapshot.ts';

export interface SettingsWatcherOptions {
  path: string;
  onSnapshot: (snapshot: SourceSnapshot, cause: string) => void;
  onError?: (err: unknown) => void;
  /** Quiet period after the last event before reading (default 5 ms: enough to take a burst of events
   *  — rename-over, vim's five — as one). */
  debounceMs?: number;
  /** A file found empty or missing after an event is read again after this much quiet before it is
   *  reported (default 40 ms: longer than the 10–30 ms between a truncate and the write that follows, or
   *  between git's or vim's unlink and the new file). A complete file is reported at once. */
  settleMs?: number;
  /** Periodic digest check (default 30 s; 0 disables). */
  pollMs?: number;
  timers?: Timers;
}

export class SettingsWatcher {
  private readonly options: SettingsWatcherOptions;
  private readonly timers: Timers;
  private watcher: FSWatcher | undefined;
  private referenced: string[] = [];
  private files = new Set<string>();
  private readonly folders = new Map<string, FolderWatch>();
  private names = new Set<string>();
  private lastDigest: string | undefined;
  private debounce: unknown;
  private poll: unknown;
  private checking: Promise<void> | undefined;
  private again: { force: boolean; cause: string; settled: boolean } | undefined;
  private closed = false;

  constructor(options: SettingsWatcherOptions) {
    this.options = options;
    this.timers = options.timers ?? systemTimers;
  }

  /** Starts watching and reports the first snapshot. */
  async start(): Promise<void> {
    // chokidar watches the files: each path as given and its real path, so that an in-place write
    // behind a symlink is seen. Their folders get a plain fs.watch (a folder's inode does not change):
    // creation, removal of a symlink and the Kubernetes `..data` swap show there. chokidar alone,
    // following symlinks, missed some of each; a second chokidar instance on the folder shares its
    // internal watches with the first and missed others.
    this.watcher = watch([], { ignoreInitial: true, followSymlinks: true, atomic: true, persistent: true });
    this.watcher.on('all', (event) => { this.schedule(event); });
    this.watcher.on('error', (err) => { this.options.onError?.(err); });
    await this.retarget();
    const pollMs = this.options.pollMs ?? 30_000;
    if (pollMs > 0) this.poll = this.timers.setInterval(() => { this.check(false, 'poll'); }, pollMs);
    await this.checkNow(false, 'start');
  }

  /** The files the last load said the settings reference; they are watched and digested too. */
  setReferencedFiles(files: readonly string[]): void {
    const next = [...new Set(files)].sort();
    if (next.join('\0') === this.referenced.join('\0')) return;
    this.referenced = next;
    // The digest now covers other files: take it again so the next real change is compared fairly.
    this.check(false, 'references');
  }

  /** Points the watchers at the current files, their real paths and their folders. */
  private async retarget(): Promise<void> {
    const given = [this.options.path, ...this.referenced];
    const files = new Set(given);
    for (const file of given) files.add(await realpath(file).catch(() => file));
    // The folders see every write at once (chokidar throttles `change`), so the debounce can stay short.
    const folders = new Set([...files].map((f) => dirname(f)));
    this.names = new Set([...files].map((f) => basename(f)));
    sync(this.watcher!, this.files, files);
    this.files = files;
    for (const [folder, w] of this.folders) if (!folders.has(folder)) { w.close(); this.folders.delete(folder); }
    for (const folder of folders) if (!this.folders.has(folder)) this.watchFolder(folder);
  }

  private watchFolder(folder: string): void {
    try {
      const w = fsWatch(folder, { persistent: false }, (event, name) => {
        if (name === null || this.concerns(name.toString())) this.schedule(`folder ${event}`);
      });
      // A folder that disappears ends its watch; the next snapshot re-creates it.
      w.on('error', () => { w.close(); this.folders.delete(folder); });
      this.folders.set(folder, w);
    } catch {
      // The folder does not exist (yet): the periodic check and the next retarget cover it.
    }
  }

  /** Folder events that matter: a watched file's own name, or the Kubernetes `..data` machinery. */
  private concerns(name: string): boolean {
    return this.names.has(name) || name.startsWith('..');
  }

  /** Re-read now; with force the listener hears the snapshot even if unchanged (SIGHUP). */
  check(force: boolean, cause: string): void {
    void this.checkNow(force, cause);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.timers.clearTimeout(this.debounce);
    this.timers.clearInterval(this.poll);
    await this.watcher?.close();
    for (const w of this.folders.values()) w.close();
    this.folders.clear();
    await this.checking;
  }


  private schedule(cause: string, delayMs = this.options.debounceMs ?? 5, settled = false): void {
    if (this.closed) return;
    this.timers.clearTimeout(this.debounce);
    this.debounce = this.timers.setTimeout(() => { void this.checkNow(false, cause, settled); }, delayMs);
  }

  /** `settled`: an event-driven read may report an empty or missing file (it was already re-read after settleMs). */
  private async checkNow(force: boolean, cause: string, settled = true): Promise<void> {
    if (this.checking) {
      // One read at a time; a request arriving meanwhile is served by one more read afterwards.
      this.again = { force: force || (this.again?.force ?? false), cause, settled: settled && (this.again?.settled ?? true) };
      return this.checking;
    }
    this.checking = this.readAndReport(force, cause, settled);
    try {
      await this.checking;
    } finally {
      this.checking = undefined;
    }
    const again = this.again;
    this.again = undefined;
    if (again && !this.closed) await this.checkNow(again.force, again.cause, again.settled);
  }

  private async readAndReport(force: boolean, cause: string, settled: boolean): Promise<void> {
    try {
      // A swap may have moved the real file (Kubernetes ..data): follow it before reading.
      await this.retarget();
      const snapshot = await takeSnapshot(this.options.path, this.referenced);
      if (this.closed || (!force && snapshot.digest === this.lastDigest)) return;
      if (!settled && (snapshot.kind !== 'present' || snapshot.bytes.length === 0)) {
        // Most likely a writer between truncate (or unlink) and write: look again once it has been quiet.
        this.schedule(cause, this.options.settleMs ?? 40, true);
        return;
      }
      this.lastDigest = snapshot.digest;
      this.options.onSnapshot(snapshot, cause);
    } catch (err) {
      this.options.onError?.(err);
    }
  }
}

function sync(watcher: FSWatcher, current: ReadonlySet<string>, next: ReadonlySet<string>): void {
  const removed = [...current].filter((p) => !next.has(p));
  const added = [...next].filter((p) => !current.has(p));
  if (removed.length > 0) void watcher.unwatch(removed);
  if (added.length > 0) watcher.add(added);
}
