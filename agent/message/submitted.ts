// A message submitted as MIME (the SMTP submission port), checked against the same rules as `mail-agent
// send` (checks.ts, attachments.ts): the sender (MAIL FROM and every From address) as `--from` is, the
// attachments' decoded sizes against attachmentLimitMB, well-formed envelope recipients. The client's MIME
// is kept: its headers, charset and attachments; only Bcc is dropped (the envelope carries it), and a
// Message-ID, Date and, when message.from is set, From are added where missing. Plain-text mode rewrites
// an HTML message as text/plain (its text alternative, else the HTML as text) in the configured charset,
// keeping its other headers and its attachments.
import type { AddressObject, EmailAddress } from 'mailparser';
import type { MessageSettings } from '../config/settings.ts';
import { AgentError, ErrorCodes } from '../errors.ts';
import { isAddrSpec } from './addresses.ts';
import { assertWithinLimit } from './attachments.ts';
import { encodeStrict } from './charset.ts';
import { checkFrom, htmlAsText } from './checks.ts';
import { fieldValue, findField, joinHeaderBlock, splitHeaderBlock, type HeaderBlock } from './header-block.ts';
import type { MessageFields } from './types.ts';

export interface SubmittedMessage {
  /** MAIL FROM; '' for the null sender. */
  mailFrom: string;
  rcptTo: readonly string[];
  mime: Buffer;
}

/** What the spool keeps about it (its meta line, but for the id, time and source), and the MIME to send.
 *  `from` is the envelope sender (absent for the null sender), for transports that use one (SMTP). */
export type CheckedSubmission = MessageFields & { mime: Buffer };

/** MAIL FROM, checked as `send --from` is (the null sender passes: the From header is checked later). */
export function checkEnvelopeSender(mailFrom: string, settings: MessageSettings): void {
  if (mailFrom !== '') checkSender(mailFrom, settings);
}

/** `send --from`'s rule; without any From in the settings, the refusal says what to set. */
function checkSender(address: string, settings: MessageSettings): { onBehalfOf?: string } {
  if (settings.from === undefined && !settings.fromDelegation && isAddrSpec(address)) {
    throw new AgentError(ErrorCodes.FromNotAllowed,
      `from: ${address} is not allowed: the settings name no 'From' address (message.from) and 'From' address delegation (message.fromDelegation) is off; set message.from: ${address}`);
  }
  return checkFrom(address, settings);
}

export function checkEnvelopeRecipient(address: string): void {
  if (!isAddrSpec(address)) throw new AgentError(ErrorCodes.MessageInvalid, `'${address.slice(0, 80)}' is not a valid e-mail address`);
}

// A msg-id we can look up again (Sent Items) and name a file after: <left@right>, no spaces or brackets inside.
const MSG_ID = /^<[^<>\s@]{1,200}@[^<>\s@]{1,200}>$/;

export async function checkSubmission(input: SubmittedMessage, settings: MessageSettings, stamp: { messageId: string; date: Date }): Promise<CheckedSubmission> {
  checkEnvelopeSender(input.mailFrom, settings);
  for (const rcpt of input.rcptTo) checkEnvelopeRecipient(rcpt);
  // Loaded on first use: mailparser costs ~0.5 s of startup that an agent without the port never needs.
  const { simpleParser } = await import('mailparser');
  const parsed = await simpleParser(input.mime, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true });
  const attachments = parsed.attachments.map((a) => ({ filename: a.filename ?? 'attachment', contentType: a.contentType, size: a.size }));
  assertWithinLimit(attachments.map((a) => ({ ...a, path: '' })), settings.attachmentLimitMB);

  const fromAddresses = addressesOf(parsed.from);
  let onBehalfOf: string | undefined;
  for (const address of fromAddresses) onBehalfOf = checkSender(address, settings).onBehalfOf ?? onBehalfOf;

  const block = splitHeaderBlock(input.mime);
  block.fields = block.fields.filter((f) => !/^(bcc|resent-bcc)$/i.test(f.name));
  if (fromAddresses.length === 0 && settings.from !== undefined) block.fields.unshift({ name: 'From', raw: `From: ${settings.from}` });
  const messageId = keepOrStampMessageId(block, stamp.messageId);
  if (!findField(block, 'date')) block.fields.push({ name: 'Date', raw: `Date: ${stamp.date.toUTCString().replace('GMT', '+0000')}` });

  const inHeader = (list: string[]) => new Set(list.map((a) => a.toLowerCase()));
  const toHeader = inHeader(addressesOf(parsed.to));
  const ccHeader = inHeader(addressesOf(parsed.cc));
  const to = input.rcptTo.filter((a) => toHeader.has(a.toLowerCase()));
  const cc = input.rcptTo.filter((a) => !toHeader.has(a.toLowerCase()) && ccHeader.has(a.toLowerCase()));
  const bcc = input.rcptTo.filter((a) => !toHeader.has(a.toLowerCase()) && !ccHeader.has(a.toLowerCase()));

  const html = typeof parsed.html === 'string' ? parsed.html : undefined;
  let text = parsed.text;
  let charset = 'utf-8';
  if (settings.plainText && html !== undefined) {
    text = parsed.text?.trim() ? parsed.text : htmlAsText(html);
    charset = settings.charset;
    await rewriteAsPlainText(block, text, charset, parsed.attachments.filter((a) => !a.related));
  }
  return {
    messageId,
    ...(input.mailFrom !== '' ? { from: input.mailFrom } : {}),
    ...(onBehalfOf ? { onBehalfOf } : {}),
    to, cc, bcc,
    subject: parsed.subject ?? '',
    charset,
    ...(text !== undefined ? { text } : {}),
    ...(html !== undefined && !settings.plainText ? { html } : {}),
    attachments,
    mime: joinHeaderBlock(block),
  };
}

function addressesOf(field: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  const flat = (a: EmailAddress): EmailAddress[] => (a.group ? a.group.flatMap(flat) : [a]);
  return list.flatMap((f) => f.value).flatMap(flat).map((a) => a.address ?? '').filter(Boolean);
}

/** The client's Message-ID when it is one we can use (threading in help desks depends on it), else ours. */
function keepOrStampMessageId(block: HeaderBlock, ours: string): string {
  const field = findField(block, 'message-id');
  const theirs = field ? fieldValue(field) : '';
  if (MSG_ID.test(theirs)) return theirs;
  block.fields = block.fields.filter((f) => f.name.toLowerCase() !== 'message-id');
  block.fields.push({ name: 'Message-ID', raw: `Message-ID: ${ours}` });
  return ours;
}

/** Replaces the body (and its MIME headers) with text/plain in `charset`, the attachments kept. */
async function rewriteAsPlainText(block: HeaderBlock, text: string, charset: string,
  attachments: { filename?: string; contentType: string; content: Buffer; cid?: string; contentDisposition?: string }[]): Promise<void> {
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer');
  const composed = await new MailComposer({
    alternatives: [{ contentType: `text/plain; charset=${charset.toLowerCase()}`, content: encodeStrict('body (as text)', text, charset) }],
    attachments: attachments.map((a) => ({ filename: a.filename ?? 'attachment', contentType: a.contentType, content: a.content })),
    disableUrlAccess: true, disableFileAccess: true,
  }).compile().build();
  const part = splitHeaderBlock(composed);
  const mimeField = (name: string) => /^(content-[a-z-]+|mime-version)$/i.test(name);
  block.fields = [...block.fields.filter((f) => !mimeField(f.name)), ...part.fields.filter((f) => mimeField(f.name))];
  block.eol = part.eol;
  block.body = part.body;
}
