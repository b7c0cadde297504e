// Composition, once, as MIME with nodemailer's composer. Text parts are encoded with iconv-lite in the
// configured charset (the composer itself only labels utf-8), the Subject as encoded words in that
// charset; attachments are streamed from their files, so memory stays bounded by the body, not them.
import type { Readable } from 'node:stream';
import MailComposer from 'nodemailer/lib/mail-composer';
import { encodeHeaderWords, encodeStrict, isUtf8 } from './charset.ts';
import type { Address, CheckedNotification } from './types.ts';

export interface ComposeOptions {
  messageId: string;
  date: Date;
}

/** The message as a MIME byte stream (Bcc is kept out of the headers; it travels in the envelope). */
export function composeMime(message: CheckedNotification, options: ComposeOptions): Readable {
  const charset = message.charset;
  const textPart = (type: string, content: string) => ({
    contentType: `${type}; charset=${charset.toLowerCase()}`,
    content: encodeStrict('body', content, charset),
  });
  const alternatives = [textPart('text/plain', message.text)];
  if (message.html !== undefined) alternatives.push(textPart('text/html', message.html));

  const composer = new MailComposer({
    ...(message.from ? { from: toHeader(message.from) } : {}),
    to: message.to.map(toHeader),
    ...(message.cc.length ? { cc: message.cc.map(toHeader) } : {}),
    ...(isUtf8(charset)
      ? { subject: message.subject }
      : { headers: { Subject: { prepared: true, value: encodeHeaderWords(message.subject, charset) } } }),
    messageId: options.messageId,
    date: options.date,
    alternatives,
    attachments: message.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, path: a.path })),
    disableUrlAccess: true,
  });
  return composer.compile().createReadStream();
}

function toHeader(a: Address): { name: string; address: string } | string {
  return a.name ? { name: a.name, address: a.address } : a.address;
}
