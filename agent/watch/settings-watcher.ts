// Watches the settings file and the files it references. Events only say "look again": after a short
// trailing debounce the files are read and digested, and the listener hears only of a changed digest.
// (chokidar throttles `change` on the leading edge with no trailing event: a truncate-then-write 10–30 ms
// apart would otherwise leave us with the empty file.) A slow periodic check is the safety net.
import { watch, type FSWatcher } from 'chokidar';
import { systemTimers, type Timers } from '../clock.ts';
import { takeSnapshot, type SourceSnapshot } from './snapshot.ts';

export interface SettingsWatcherOptions {
  path: string;
  onSnapshot: (snapshot: SourceSnapshot, cause: string) => void;
  onError?: (err: unknown) => void;
  /** Quiet period after the last event before reading (default 100 ms, above chokidar's 50 ms throttle). */
  debounceMs?: number;
  /** Periodic digest check (default 30 s; 0 disables). */
  pollMs?: number;
  timers?: Timers;
}

export class SettingsWatcher {
  private readonly options: SettingsWatcherOptions;
  private readonly timers: Timers;
  private watcher: FSWatcher | undefined;
  private referenced: string[] = [];
  private lastDigest: string | undefined;
  private debounce: unknown;
  private poll: unknown;
  private checking: Promise<void> | undefined;
  private again: { force: boolean; cause: string } | undefined;
  private closed = false;

  constructor(options: SettingsWatcherOptions) {
    this.options = options;
    this.timers = options.timers ?? systemTimers;
  }

  /** Starts watching and reports the first snapshot. */
  async start(): Promise<void> {
    this.watcher = watch(this.options.path, { ignoreInitial: true, followSymlinks: true, atomic: true, persistent: true });
    this.watcher.on('all', (event) => { this.schedule(event); });
    this.watcher.on('error', (err) => { this.options.onError?.(err); });
    await new Promise<void>((resolve) => { this.watcher!.once('ready', resolve); });
    const pollMs = this.options.pollMs ?? 30_000;
    if (pollMs > 0) this.poll = this.timers.setInterval(() => { this.check(false, 'poll'); }, pollMs);
    await this.checkNow(false, 'start');
  }

  /** The files the last load said the settings reference; they are watched and digested too. */
  setReferencedFiles(files: readonly string[]): void {
    const next = [...new Set(files)].sort();
    if (next.join('\0') === this.referenced.join('\0')) return;
    const removed = this.referenced.filter((f) => !next.includes(f));
    const added = next.filter((f) => !this.referenced.includes(f));
    this.referenced = next;
    if (removed.length > 0) void this.watcher?.unwatch(removed);
    if (added.length > 0) this.watcher?.add(added);
    // The digest now covers other files: take it again so the next real change is compared fairly.
    this.check(false, 'references');
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
    await this.checking;
  }

  private schedule(cause: string): void {
    if (this.closed) return;
    this.timers.clearTimeout(this.debounce);
    this.debounce = this.timers.setTimeout(() => { this.check(false, cause); }, this.options.debounceMs ?? 100);
  }

  private async checkNow(force: boolean, cause: string): Promise<void> {
    if (this.checking) {
      // One read at a time; a request arriving meanwhile is served by one more read afterwards.
      this.again = { force: force || (this.again?.force ?? false), cause };
      return this.checking;
    }
    this.checking = this.readAndReport(force, cause);
    try {
      await this.checking;
    } finally {
      this.checking = undefined;
    }
    const again = this.again;
    this.again = undefined;
    if (again && !this.closed) await this.checkNow(again.force, again.cause);
  }

  private async readAndReport(force: boolean, cause: string): Promise<void> {
    try {
      const snapshot = await takeSnapshot(this.options.path, this.referenced);
      if (this.closed || (!force && snapshot.digest === this.lastDigest)) return;
      this.lastDigest = snapshot.digest;
      this.options.onSnapshot(snapshot, cause);
    } catch (err) {
      this.options.onError?.(err);
    }
  }
}
