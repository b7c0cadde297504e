// Sending a message: decide its author (send-as / on-behalf rights), build the MIME Exchange would deliver,
// write it to each recipient's mailbox, and return what was delivered.
import { composeMime } from '../mailbox/compose.ts';
import type { Address, RequestedMessage } from '../mailbox/message.ts';
import { decodeWords, headerFields, headerValue, parseAddresses, splitMime, stampMime } from '../mailbox/mime-headers.ts';
import { authorship } from '../mailbox/rights.ts';
import type { Delivery, MailboxStore } from '../mailbox/store.ts';
import type { Account } from '../users.ts';

export type SubmitResult = { ok: true; delivery: Delivery; messageId: string } | { ok: false; code: 'ErrorSendAsDenied' | 'ErrorInvalidRecipients' };

export interface SubmitContext {
  account: Account;
  store: MailboxStore;
  now: () => Date;
  hostname: string;
}

interface Envelope { from?: Address; to: Address[]; cc: Address[]; bcc: Address[]; subject: string; messageId?: string }

/** Who the message is for and from: each property when given, else its MIME header (a MimeContent with
 *  only BccRecipients set keeps the MIME's To and Cc, as Exchange does; properties override, per field). */
function envelopeOf(msg: RequestedMessage): Envelope {
  if (!msg.mime) return { from: msg.from, to: msg.to, cc: msg.cc, bcc: msg.bcc, subject: msg.subject ?? '', messageId: msg.internetMessageId };
  const fields = headerFields(splitMime(msg.mime).header);
  const either = (given: Address[], header: string) => (given.length > 0 ? given : parseAddresses(headerValue(fields, header)));
  return {
    from: msg.from ?? parseAddresses(headerValue(fields, 'from'))[0],
    to: either(msg.to, 'to'),
    cc: either(msg.cc, 'cc'),
    bcc: either(msg.bcc, 'bcc'),
    subject: msg.subject ?? decodeWords(headerValue(fields, 'subject') ?? ''),
    messageId: msg.internetMessageId ?? headerValue(fields, 'message-id'),
  };
}

export async function submit(ctx: SubmitContext, msg: RequestedMessage, operation: string, disposition: string): Promise<SubmitResult> {
  const env = envelopeOf(msg);
  const author = authorship(ctx.account, env.from);
  if (!author.ok) return { ok: false, code: 'ErrorSendAsDenied' };
  const recipients = [...env.to, ...env.cc, ...env.bcc];
  if (recipients.length === 0) return { ok: false, code: 'ErrorInvalidRecipients' };
  const date = ctx.now();
  const messageId = env.messageId ?? `<${ctx.store.nextMessageToken()}@${ctx.hostname}>`;
  const stamp = { from: author.from, sender: author.sender, messageId, date };
  const mime = msg.mime ? stampMime(msg.mime, stamp) : await composeMime(msg, stamp);
  const delivery = await ctx.store.deliver(mime, recipients, {
    time: date.toISOString(), account: ctx.account.username, from: author.from.email, sender: author.sender?.email ?? null,
    to: env.to.map((a) => a.email), cc: env.cc.map((a) => a.email), bcc: env.bcc.map((a) => a.email),
    subject: env.subject, messageId, operation, disposition,
  });
  return { ok: true, delivery, messageId };
}
