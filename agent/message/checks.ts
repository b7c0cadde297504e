// Every check a notification passes before anything is queued (docs/notifications.md "Sending" and "The
// message"), against the message options now applied. Throws AgentError (MessageInvalid,
// AttachmentLimitExceeded, FromNotAllowed, CharsetUnencodable); returns a CheckedNotification ready to compose.
import { compile } from 'html-to-text';
import type { MessageSettings } from '../config/settings.ts';
import { AgentError, ErrorCodes } from '../errors.ts';
import { parseAddressList, parseSingleAddress } from './addresses.ts';

// html-to-text compiles its options (selector decision tree) on every htmlToText call: once is enough.
let toText: ((html: string) => string) | undefined;
import { checkAttachments } from './attachments.ts';
import { assertCharsetKnown, encodeStrict } from './charset.ts';
import { assertBodyText, assertHeaderText } from './header-safety.ts';
import type { Address, CheckedNotification, NotificationInput } from './types.ts';

export interface CheckContext {
  /** Relative attachment paths resolve against this. */
  cwd: string;
}

export async function checkNotification(input: NotificationInput, settings: MessageSettings, context: CheckContext): Promise<CheckedNotification> {
  const to = parseAddressList('to', input.to);
  const cc = parseAddressList('cc', input.cc ?? []);
  const bcc = parseAddressList('bcc', input.bcc ?? []);
  if (to.length + cc.length + bcc.length === 0) throw new AgentError(ErrorCodes.MessageInvalid, 'no recipient: give at least one --to');
  assertHeaderText('subject', input.subject);

  const { from, onBehalfOf } = checkFrom(input.from, settings);
  assertCharsetKnown(settings.charset);
  const body = input.body ?? '';
  const html = input.html ? body : undefined;
  assertBodyText('body', body);
  const text = html === undefined ? body : htmlAsText(html);
  encodeStrict('subject', input.subject, settings.charset);
  encodeStrict('body', body, settings.charset);
  if (html !== undefined) encodeStrict('body (as text)', text, settings.charset);

  const attachments = await checkAttachments(input.attachments ?? [], context.cwd, settings.attachmentLimitMB);
  return {
    ...(from ? { from } : {}),
    ...(onBehalfOf ? { onBehalfOf } : {}),
    to, cc, bcc,
    subject: input.subject,
    text,
    ...(html !== undefined && !settings.plainText ? { html } : {}),
    charset: settings.charset,
    plainText: settings.plainText,
    attachments,
  };
}

/** HTML as readable plain text (plain-text mode, and the text alternative of an HTML notification). */
export function htmlAsText(html: string): string {
  return (toText ??= compile({ wordwrap: 78 }))(html);
}

/** The default From is the settings' `from` (else the account's own, stamped by the server). */
export function checkFrom(requested: string | undefined, settings: MessageSettings): { from?: Address; onBehalfOf?: string } {
  const configured = settings.from === undefined ? undefined : configuredFrom(settings.from);
  if (requested === undefined || requested.trim() === '') return configured ? { from: configured } : {};
  const from = parseSingleAddress('from', requested);
  if (configured && sameAddress(configured.address, from.address)) return { from };
  if (!settings.fromDelegation) {
    throw new AgentError(ErrorCodes.FromNotAllowed,
      `from: ${from.address} is not the default From address and 'From' address delegation (message.fromDelegation) is off`);
  }
  return { from, onBehalfOf: from.address };
}

/** Validated by the loader already; re-checked without echoing the settings' value. */
function configuredFrom(value: string): Address {
  try {
    return parseSingleAddress('message.from', value);
  } catch {
    throw new AgentError(ErrorCodes.MessageInvalid, 'message.from in the applied settings is not a valid e-mail address');
  }
}

function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
