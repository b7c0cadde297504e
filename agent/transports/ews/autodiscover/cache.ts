// What Autodiscover found, kept in the state dir (autodiscover.json, 0600, no secrets) so that a restart
// or a settings change does not walk the whole Autodiscover list again. The transport uses the cached EWS
// URLs first and discovers again only when they stop answering. A missing or unreadable file is no cache.
import { readFile } from 'node:fs/promises';
import { atomicWrite } from '../../../state/atomic-write.ts';
import type { Discovered } from './discover.ts';

interface CacheFile {
  version: 1;
  mailboxes: Record<string, Discovered & { at: string }>;
}

export class AutodiscoverCache {
  private readonly path: string;
  private readonly now: () => Date;

  constructor(path: string, now: () => Date = () => new Date()) {
    this.path = path;
    this.now = now;
  }

  async read(email: string): Promise<Discovered | undefined> {
    const entry = (await this.load()).mailboxes[email.toLowerCase()];
    if (!entry || !Array.isArray(entry.ewsUrls) || !entry.ewsUrls.every((u) => typeof u === 'string' && URL.canParse(u))) return undefined;
    return { ewsUrls: entry.ewsUrls, address: String(entry.address), via: String(entry.via) };
  }

  async write(email: string, found: Discovered): Promise<void> {
    const file = await this.load();
    file.mailboxes[email.toLowerCase()] = { ...found, at: this.now().toISOString() };
    await atomicWrite(this.path, JSON.stringify(file, null, 2) + '\n');
  }

  private async load(): Promise<CacheFile> {
    try {
      const parsed = JSON.parse(await readFile(this.path, 'utf8')) as Partial<CacheFile>;
      if (parsed.version === 1 && typeof parsed.mailboxes === 'object' && parsed.mailboxes !== null) return { version: 1, mailboxes: parsed.mailboxes };
    } catch {
      // no cache yet, or one we cannot read: discover afresh
    }
    return { version: 1, mailboxes: {} };
  }
}
