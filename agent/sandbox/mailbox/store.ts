// The mailbox on disk: one .eml per recipient under mailboxes/<recipient>/, one JSON line per delivered
// message in deliveries.jsonl. Saved items (SaveOnly drafts, SendAndSaveCopy copies) live in memory.
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Address, RequestedMessage } from './message.ts';

export interface Delivery {
  time: string;
  account: string;
  from: string;
  sender: string | null;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  messageId: string;
  operation: string;
  disposition: string;
  files: string[];
}

export interface SavedItem {
  id: string;
  /** Changes when the item does (CreateAttachment). */
  changeKey: string;
  owner: string;
  folder: 'drafts' | 'sentitems';
  subject: string;
  internetMessageId: string;
  sentAt?: string;
  message: RequestedMessage;
}

/** A recipient's folder name: the address, lower-cased, with anything unsafe for a path replaced. */
export function mailboxFolder(email: string): string {
  const safe = email.toLowerCase().replace(/[^a-z0-9@._+-]/g, '_').replace(/^\.+/, '_');
  return safe || '_';
}

export class MailboxStore {
  readonly #dir: string;
  readonly #log: WriteStream;
  readonly #made = new Set<string>();
  readonly #items = new Map<string, SavedItem>();
  readonly #prefix = randomBytes(6).toString('base64url');
  #seq = 0;

  constructor(dataDir: string) {
    this.#dir = dataDir;
    this.#log = createWriteStream(path.join(dataDir, 'deliveries.jsonl'), { flags: 'a' });
  }

  nextId(): string {
    this.#seq += 1;
    return `AAMkAD${this.#prefix}${this.#seq.toString(36).padStart(6, '0')}`;
  }

  save(item: SavedItem): void {
    this.#items.set(item.id, item);
  }

  get(id: string): SavedItem | undefined {
    return this.#items.get(id);
  }

  remove(id: string): void {
    this.#items.delete(id);
  }

  itemsIn(owner: string, folder: SavedItem['folder']): SavedItem[] {
    return [...this.#items.values()].filter((i) => i.owner === owner && i.folder === folder);
  }

  /** Writes the message once per distinct recipient, then its line in deliveries.jsonl. */
  async deliver(mime: Buffer, recipients: readonly Address[], record: Omit<Delivery, 'files'>): Promise<Delivery> {
    const seq = ++this.#seq;
    const name = `${Date.now()}-${seq.toString().padStart(6, '0')}.eml`;
    const folders = [...new Set(recipients.map((r) => mailboxFolder(r.email)))];
    const files = await Promise.all(folders.map(async (folder) => {
      const dir = path.join(this.#dir, 'mailboxes', folder);
      if (!this.#made.has(dir)) {
        await mkdir(dir, { recursive: true });
        this.#made.add(dir);
      }
      const file = path.join(dir, name);
      await writeFile(file, mime);
      return path.relative(this.#dir, file);
    }));
    const delivery: Delivery = { ...record, files };
    await new Promise<void>((resolve, reject) => {
      this.#log.write(JSON.stringify(delivery) + '\n', (err) => (err ? reject(err) : resolve()));
    });
    return delivery;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.#log.end(resolve));
  }
}
