// The mailbox on disk: one .eml per recipient under mailboxes/<recipient>/, one JSON line per delivered
// message in deliveries.jsonl. Saved items (SaveOnly drafts, messages waiting in the Outbox, SendAndSaveCopy
// copies in Sent Items or the folder the client named) live in memory.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Address, RequestedMessage } from './message.ts';
import { MailboxWriter } from './writer-thread.ts';

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
  /** The distinguished folder it is in (drafts, outbox, sentitems, or another the client named). */
  folder: string;
  subject: string;
  internetMessageId: string;
  /** Set once sent: an item without it, outside the Outbox, is a draft (isDraft). */
  sentAt?: string;
  message: RequestedMessage;
  /** Epoch ms from which a folder listing shows it (Graph's Sent Items copy appears after a lag). */
  visibleAt?: number;
}

/** Saved and not (yet) sent: what SendItem sends and CreateAttachment adds to, in whatever folder it was saved. */
export function isDraft(item: SavedItem): boolean {
  return item.sentAt === undefined && item.folder !== 'outbox';
}

/** A recipient's folder name: the address, lower-cased, with anything unsafe for a path replaced. */
export function mailboxFolder(email: string): string {
  const safe = email.toLowerCase().replace(/[^a-z0-9@._+-]/g, '_').replace(/^\.+/, '_');
  return safe || '_';
}

export class MailboxStore {
  readonly #dir: string;
  readonly #log: number;
  readonly #writer = new MailboxWriter();
  readonly #made = new Set<string>();
  readonly #items = new Map<string, SavedItem>();
  readonly #prefix = randomBytes(6).toString('base64url');
  #seq = 0;

  constructor(dataDir: string) {
    this.#dir = dataDir;
    this.#log = openSync(path.join(dataDir, 'deliveries.jsonl'), 'a');
  }

  nextId(): string {
    this.#seq += 1;
    return `AAMkAD${this.#prefix}${this.#seq.toString(36).padStart(6, '0')}`;
  }

  /** Unique across runs (a random prefix per run) without a random draw per message. */
  nextMessageToken(): string {
    this.#seq += 1;
    return `${Date.now().toString(36)}.${this.#seq.toString(36)}.${this.#prefix}`;
  }

  save(item: SavedItem): void {
    this.#items.set(item.id, item);
  }

  get(id: string): SavedItem | undefined {
    return this.#items.get(id);
  }

  /** Moves an item to another folder (a sent message from the Outbox to Sent Items). */
  move(id: string, folder: SavedItem['folder'], change: Partial<SavedItem> = {}): void {
    const item = this.#items.get(id);
    if (item) this.#items.set(id, { ...item, ...change, folder });
  }

  remove(id: string): void {
    this.#items.delete(id);
  }

  itemsIn(owner: string, folder: SavedItem['folder'], now = Date.now()): SavedItem[] {
    return [...this.#items.values()].filter((i) => i.owner === owner && i.folder === folder && (i.visibleAt === undefined || i.visibleAt <= now));
  }

  /**
   * Writes the message once per distinct recipient, then its line in deliveries.jsonl; resolves once both
   * are on disk (the client hears it was sent only then). The files are written on a thread of their
   * own (writer-thread.ts).
   */
  async deliver(mime: Buffer, recipients: readonly Address[], record: Omit<Delivery, 'files'>): Promise<Delivery> {
    const seq = ++this.#seq;
    const name = `${Date.now()}-${seq.toString().padStart(6, '0')}.eml`;
    const folders = [...new Set(recipients.map((r) => mailboxFolder(r.email)))];
    const files = await Promise.all(folders.map(async (folder) => {
      const dir = path.join(this.#dir, 'mailboxes', folder);
      if (!this.#made.has(dir)) {
        mkdirSync(dir, { recursive: true });
        this.#made.add(dir);
      }
      await this.#writer.write({ path: path.join(dir, name), data: mime });
      return `mailboxes/${folder}/${name}`;
    }));
    const delivery: Delivery = { ...record, files };
    writeSync(this.#log, JSON.stringify(delivery) + '\n');
    return delivery;
  }

  close(): void {
    this.#writer.close();
    closeSync(this.#log);
  }
}
