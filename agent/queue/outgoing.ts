// A spool entry as the transport's OutgoingMessage. Attachments for `parts` (MAPI) are decoded from the
// stored MIME only when the entry has any, so the MIME stays the one stored copy.
import type { OutgoingMessage } from '../transports/transport.ts';
import type { SpoolEntry } from './spool.ts';

export async function toOutgoing({ meta, mime }: SpoolEntry): Promise<OutgoingMessage> {
  const attachments = meta.attachments.length === 0 ? [] : await decodeAttachments(mime);
  return {
    messageId: meta.messageId,
    ...(meta.from ? { from: meta.from } : {}),
    to: meta.to, cc: meta.cc, bcc: meta.bcc,
    subject: meta.subject,
    mime,
    parts: {
      charset: meta.charset,
      ...(meta.text !== undefined ? { text: meta.text } : {}),
      ...(meta.html !== undefined ? { html: meta.html } : {}),
      attachments,
      ...(meta.onBehalfOf ? { onBehalfOf: meta.onBehalfOf } : {}),
    },
  };
}

async function decodeAttachments(mime: Buffer) {
  // Loaded on first use: mailparser costs ~0.5 s of startup that most deliveries never need.
  const { simpleParser } = await import('mailparser');
  const parsed = await simpleParser(mime, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true });
  return parsed.attachments.map((a) => ({ filename: a.filename ?? 'attachment', contentType: a.contentType, content: a.content }));
}
