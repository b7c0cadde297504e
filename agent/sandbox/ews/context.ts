import type { MailboxLimits } from '../limits/limiter.ts';
import type { MailboxStore } from '../mailbox/store.ts';
import type { Account, Directory } from '../users.ts';
import type { ExchangeVersion } from '../versions.ts';
import type { XmlNode } from '../xml/parse.ts';

/** What an operation handler gets: who asked, the server's state, and the request's operation element. */
export interface OperationContext {
  account: Account;
  directory: Directory;
  store: MailboxStore;
  version: ExchangeVersion;
  hostname: string;
  now: () => Date;
  /** The mailbox limits (throttling, Outbox, size); messages are sent through limits.outbox. */
  limits: MailboxLimits;
  /** When the request arrived (ms): its one-minute batch limit counts from here. */
  receivedAt: number;
  op: XmlNode;
}

/** Returns the inner XML of m:ResponseMessages. */
export type OperationHandler = (ctx: OperationContext) => Promise<string> | string;
