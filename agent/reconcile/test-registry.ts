// test-messages.json in the state dir: per test digest (the settings without credential values; the settings
// digest in files written before it existed), the test message sent (or about to be), so a
// restart — even after kill -9 — never sends the same test message twice. An entry is written as
// pending before the send; a pending entry found after a crash is settled by asking the server.
import { readFile } from 'node:fs/promises';
import { atomicWrite } from '../state/atomic-write.ts';
import { statePaths } from '../state/layout.ts';

export interface TestMessageRecord {
  to: string;
  messageId: string;
  /** Absent while the send's outcome is unknown. */
  sentAt?: string;
  /** The settings digest it was sent under: a later one with the same test digest differs only in credentials. */
  settingsDigest?: string;
}

type Registry = Record<string, TestMessageRecord>;

/** Digests remembered; older ones are dropped (returning to one of them sends again, which is harmless). */
const Keep = 50;

export class TestMessageRegistry {
  private readonly path: string;
  private entries: Registry = {};

  constructor(stateDir: string) {
    this.path = statePaths(stateDir).testMessages;
  }

  async load(): Promise<void> {
    try {
      this.entries = JSON.parse(await readFile(this.path, 'utf8')) as Registry;
    } catch (err) {
      // Missing: nothing sent yet. Corrupt: start over (at worst one test message is sent again).
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && !(err instanceof SyntaxError)) throw err;
      this.entries = {};
    }
  }

  get(settingsDigest: string): TestMessageRecord | undefined {
    return this.entries[settingsDigest];
  }

  async put(settingsDigest: string, record: TestMessageRecord): Promise<void> {
    const kept = Object.entries(this.entries).filter(([d]) => d !== settingsDigest).slice(-(Keep - 1));
    this.entries = Object.fromEntries([...kept, [settingsDigest, record]]);
    await atomicWrite(this.path, JSON.stringify(this.entries, null, 2) + '\n');
  }
}
