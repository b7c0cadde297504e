// A draft created from MIME: kept as the client's bytes (the envelope is read from them when it is sent).
import type { RequestedMessage } from '../mailbox/message.ts';
import { headerFields, headerValue, splitMime } from '../mailbox/mime-headers.ts';

export function submitless(mime: Buffer): RequestedMessage {
  const fields = headerFields(splitMime(mime).header);
  const id = headerValue(fields, 'message-id');
  return { to: [], cc: [], bcc: [], replyTo: [], attachments: [], mime, ...(id ? { internetMessageId: id } : {}) };
}
