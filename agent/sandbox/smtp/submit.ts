// A message submitted over SMTP, delivered as Exchange would: the sender checked after DATA against the
// account's rights (the same SendAs / SendOnBehalf grants as EWS; an anonymous relay client may use any),
// the client's MIME kept with From (and Sender) stamped, Bcc dropped, Message-ID and Date added if missing,
// one copy per envelope recipient (RCPT TO, not the headers) in the mailboxes and a line in deliveries.jsonl.
import { smtpReply } from '../../smtp/replies.ts';
import type { Address } from '../mailbox/message.ts';
import { decodeWords, headerFields, headerValue, parseAddresses, splitMime, stampMime } from '../mailbox/mime-headers.ts';
import { authorship } from '../mailbox/rights.ts';
import type { MailboxStore } from '../mailbox/store.ts';
import type { Account } from '../users.ts';
import { exchangeReplies, queuedReply } from './exchange-replies.ts';

export interface SmtpSubmitContext {
  store: MailboxStore;
  now: () => Date;
  hostname: string;
}

export interface SmtpEnvelope {
  /** '' for the null sender. */
  mailFrom: string;
  rcptTo: readonly string[];
}

/** The 250 reply text once delivered, or the refusal. */
export async function submitSmtp(ctx: SmtpSubmitContext, account: Account | undefined, envelope: SmtpEnvelope, mime: Buffer): Promise<string> {
  const fields = headerFields(splitMime(mime).header);
  const headerFrom = parseAddresses(headerValue(fields, 'from'))[0];
  const envelopeFrom: Address | undefined = envelope.mailFrom ? { email: envelope.mailFrom } : undefined;
  const requested = headerFrom ?? envelopeFrom;
  let from: Address;
  let sender: Address | undefined;
  if (account) {
    const author = authorship(account, requested);
    const envelopeOk = !envelopeFrom || authorship(account, envelopeFrom).ok;
    if (!author.ok || !envelopeOk) throw smtpReply(exchangeReplies.sendAsDenied.code, exchangeReplies.sendAsDenied.text);
    from = author.from;
    sender = author.sender;
  } else {
    from = requested ?? { email: 'postmaster@sandbox.invalid' };
  }
  const date = ctx.now();
  const messageId = headerValue(fields, 'message-id') ?? `<${ctx.store.nextMessageToken()}@${ctx.hostname}>`;
  const stamped = stampMime(mime, { from, ...(sender ? { sender } : {}), messageId, date });
  const inEnvelope = new Set(envelope.rcptTo.map((a) => a.toLowerCase()));
  const listed = (name: string) => parseAddresses(headerValue(fields, name)).map((a) => a.email.toLowerCase()).filter((a) => inEnvelope.has(a));
  const to = listed('to');
  const cc = listed('cc');
  const shown = new Set([...to, ...cc]);
  const recipients = [...inEnvelope].map((email) => ({ email }));
  await ctx.store.deliver(stamped, recipients, {
    time: date.toISOString(), account: account?.username ?? 'anonymous', from: from.email, sender: sender?.email ?? null,
    to, cc, bcc: [...inEnvelope].filter((a) => !shown.has(a)),
    subject: decodeWords(headerValue(fields, 'subject') ?? ''), messageId, operation: 'SMTP', disposition: 'SendOnly',
  });
  return queuedReply(messageId, ctx.store.nextId(), ctx.hostname);
}
