// Sending a message: decide its author (send-as / on-behalf rights), build the MIME Exchange would deliver,
// and hand it to the Outbox (limits/outbox.ts), which delivers it to each recipient's mailbox, at once or at
// the mailbox's submission rate, and keeps the Sent Items copy.
import { composeMime } from '../mailbox/compose.ts';
import type { Address, RequestedMessage } from '../mailbox/message.ts';
import { decodeWords, headerFields, headerValue, parseAddresses, splitMime, stampMime } from '../mailbox/mime-headers.ts';
import { authorship } from '../mailbox/rights.ts';
import type { MailboxStore } from '../mailbox/store.ts';
import type { MailboxLimits } from '../limits/limiter.ts';
import type { Account } from '../users.ts';

export type SubmitResult =
  | { ok: true; messageId: string; subject: string }
  | { ok: false; code: 'ErrorSendAsDenied' | 'ErrorInvalidRecipients' | 'ErrorMessageSizeExceeded' };

export interface SubmitContext {
  account: Account;
  store: MailboxStore;
  limits: MailboxLimits;
  now: () => Date;
  hostname: string;
}

interface Envelope { from?: Address; to: Address[]; cc: Address[]; bcc: Address[]; subject: string; messageId?: string }

/**
 * Who the message is for and from. With MimeContent, Exchange takes the recipients from the MIME headers
 * and adds those given as properties (BccRecipients: how a client sends Bcc with MIME it composed).
 */
function envelopeOf(msg: RequestedMessage): Envelope {
  if (!msg.mime) return { from: msg.from, to: msg.to, cc: msg.cc, bcc: msg.bcc, subject: msg.subject ?? '', messageId: msg.internetMessageId };
  const fields = headerFields(splitMime(msg.mime).header);
  const merged = (header: string, given: Address[]): Address[] => {
    const all = [...parseAddresses(headerValue(fields, header)), ...given];
    const seen = new Set<string>();
    return all.filter((a) => !seen.has(a.email.toLowerCase()) && !!seen.add(a.email.toLowerCase()));
  };
  return {
    from: msg.from ?? parseAddresses(headerValue(fields, 'from'))[0],
    to: merged('to', msg.to),
    cc: merged('cc', msg.cc),
    bcc: merged('bcc', msg.bcc),
    subject: msg.subject ?? decodeWords(headerValue(fields, 'subject') ?? ''),
    messageId: msg.internetMessageId ?? headerValue(fields, 'message-id'),
  };
}

export interface SubmitOptions {
  /** The draft being sent (SendItem), which moves to the Outbox and to the copy's folder itself. */
  draftId?: string;
  /** Where SendAndSaveCopy keeps the copy (SavedItemFolderId); Sent Items by default. */
  copyTo?: string;
}

export async function submit(ctx: SubmitContext, msg: RequestedMessage, operation: string, disposition: string, options: SubmitOptions = {}): Promise<SubmitResult> {
  const { draftId, copyTo = 'sentitems' } = options;
  const env = envelopeOf(msg);
  const author = authorship(ctx.account, env.from);
  if (!author.ok) return { ok: false, code: 'ErrorSendAsDenied' };
  const recipients = [...env.to, ...env.cc, ...env.bcc];
  if (recipients.length === 0) return { ok: false, code: 'ErrorInvalidRecipients' };
  const date = ctx.now();
  const messageId = env.messageId ?? `<${ctx.store.nextMessageToken()}@${ctx.hostname}>`;
  const stamp = { from: author.from, sender: author.sender, messageId, date };
  // Bcc never reaches the delivered MIME: stampMime drops the header, composeMime never writes one.
  const mime = msg.mime ? stampMime(msg.mime, stamp) : await composeMime(msg, stamp);
  if (mime.length > ctx.limits.maxMessageBytes) return { ok: false, code: 'ErrorMessageSizeExceeded' };
  await ctx.limits.outbox.submit({
    owner: ctx.account.email, mime, recipients, ...(disposition === 'SendAndSaveCopy' ? { copyTo } : {}),
    record: {
      time: date.toISOString(), account: ctx.account.username, from: author.from.email, sender: author.sender?.email ?? null,
      to: env.to.map((a) => a.email), cc: env.cc.map((a) => a.email), bcc: env.bcc.map((a) => a.email),
      subject: env.subject, messageId, operation, disposition,
    },
    item: { subject: env.subject, internetMessageId: messageId, message: msg, ...(draftId ? { id: draftId } : {}) },
  });
  return { ok: true, messageId, subject: env.subject };
}
