// DATA/throttle.jsonl: one JSON line per throttling event (an advised back-off, a request inside one, a
// refused connection, a batch stopped at its minute), opened on the first event.
import { closeSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';

export class ThrottleLog {
  readonly #file: string;
  #fd: number | undefined;

  constructor(dataDir: string) {
    this.#file = path.join(dataDir, 'throttle.jsonl');
  }

  write(event: Record<string, unknown>): void {
    this.#fd ??= openSync(this.#file, 'a');
    writeSync(this.#fd, JSON.stringify({ time: new Date().toISOString(), ...event }) + '\n');
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}
