// What a Graph request handler gets: the server's state, who asks (an app-only token), for which mailbox.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CredentialChecker } from '../auth/credentials.ts';
import type { FaultInjector } from '../faults.ts';
import type { AppAccess } from '../identity/access-tokens.ts';
import type { MailboxStore } from '../mailbox/store.ts';
import type { Account, Directory } from '../users.ts';
import type { UploadSessions } from './uploads.ts';
import type { MailboxLimits } from '../limits/limiter.ts';

export interface GraphState {
  credentials: CredentialChecker;
  directory: Directory;
  store: MailboxStore;
  faults: FaultInjector;
  hostname: string;
  now: () => Date;
  /** Exchange's per-mailbox limits, shared with EWS: the submission rate, the message size, and how long after
   *  a send its copy appears in Sent Items (Graph's 202 means accepted, not delivered). */
  limits: MailboxLimits;
  /** Requests at once per app and mailbox before 429 (Exchange Online: 4). */
  mailboxConcurrency: number;
  uploads: UploadSessions;
  /** Per app and mailbox: requests under way. */
  inFlight: Map<string, number>;
  /** When each message was created, for createdDateTime. */
  created: Map<string, string>;
}

export interface GraphRequest {
  state: GraphState;
  req: IncomingMessage;
  res: ServerResponse;
  access: AppAccess;
  account: Account;
  /** The path's user segment as given (UPN or object id). */
  userId: string;
  /** Path segments after users/{id}. */
  rest: string[];
  query: URLSearchParams;
  body: Buffer;
}

/** A user's object id: a GUID derived from the mailbox address, stable across runs. */
export function objectIdOf(email: string): string {
  const hex = createHash('sha256').update(`mail-agent sandbox user ${email.toLowerCase()}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function findMailbox(directory: Directory, id: string): Account | undefined {
  const lower = id.toLowerCase();
  return directory.accounts.find((a) => a.email === lower || objectIdOf(a.email) === lower);
}
