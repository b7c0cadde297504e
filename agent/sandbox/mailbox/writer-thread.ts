// Writes mailbox files on a thread of their own, synchronously and in order. Creating a file (its inode)
// costs the kernel a varying, sometimes large, time: on the event loop that bounded how fast the sandbox
// took messages, and through the thread pool (four threads creating files in one directory at once) it cost
// more CPU (figures: docs/performance.md). The files of a request's messages go to the thread in one message.
import { writeFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

export interface MailboxFile { path: string; data: Buffer }

// Plain CommonJS evaluated in the worker: no loader (tsx or the build) is involved.
const THREAD = `
const { parentPort } = require('node:worker_threads');
const { writeFileSync } = require('node:fs');
parentPort.on('message', (files) => {
  parentPort.postMessage(files.map(({ path, data }) => {
    try { writeFileSync(path, data); return null; } catch (err) { return String(err && err.message || err); }
  }));
});
`;

interface Batch { files: MailboxFile[]; waiters: { resolve: () => void; reject: (err: Error) => void }[] }

export class MailboxWriter {
  readonly #worker: Worker | undefined;
  readonly #sent: Batch[] = [];
  #next: Batch | undefined;
  #broken: Error | undefined;

  constructor() {
    try {
      this.#worker = new Worker(THREAD, { eval: true });
      this.#worker.unref();
      this.#worker.on('message', (errors: (string | null)[]) => this.#done(errors));
      this.#worker.on('error', (err) => this.#fail(err));
    } catch (err) {
      this.#broken = err as Error;
    }
  }

  /** Resolves once the file is written (rejects with the write's error). */
  write(file: MailboxFile): Promise<void> {
    if (!this.#worker || this.#broken) {
      writeFileSync(file.path, file.data); // no thread: as before, on the event loop
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      if (!this.#next) {
        this.#next = { files: [], waiters: [] };
        queueMicrotask(() => this.#flush());
      }
      this.#next.files.push(file);
      this.#next.waiters.push({ resolve, reject });
    });
  }

  close(): void {
    this.#fail(new Error('the mailbox is closed'));
    void this.#worker?.terminate();
  }

  #flush(): void {
    const batch = this.#next;
    this.#next = undefined;
    if (!batch) return;
    if (this.#broken) return this.#rejectAll([batch], this.#broken);
    // A copy of each message's bytes, transferred (not cloned with the pool buffer it may share).
    const files = batch.files.map(({ path, data }) => ({ path, data: new Uint8Array(data) }));
    this.#sent.push(batch);
    this.#worker?.postMessage(files, files.map((f) => f.data.buffer));
  }

  #done(errors: (string | null)[]): void {
    const batch = this.#sent.shift();
    batch?.waiters.forEach((w, i) => {
      const error = errors[i];
      if (error) w.reject(new Error(error));
      else w.resolve();
    });
  }

  #fail(err: Error): void {
    this.#broken ??= err;
    this.#rejectAll(this.#sent.splice(0), this.#broken);
  }

  #rejectAll(batches: Batch[], err: Error): void {
    for (const batch of batches) for (const w of batch.waiters) w.reject(err);
  }
}
