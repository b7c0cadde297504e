// An OutgoingMessage as the helper's `send` request. MAPI takes properties, not MIME, so the message's
// parts are used: the text as PR_BODY_W (Unicode), the HTML as PR_HTML bytes in the message's charset
// with that charset's code page in PR_INTERNET_CPID (UTF-8 when the charset has no Windows code page).
import iconv from 'iconv-lite';
import { AgentError, ErrorCodes } from '../../errors.ts';
import type { OutgoingMessage } from '../transport.ts';
import { codePageOf, utf8CodePage } from './code-pages.ts';
import type { SendRequest } from './protocol.ts';

export function toSendRequest(message: OutgoingMessage, saveCopy: boolean): SendRequest {
  const parts = message.parts;
  if (!parts) throw new AgentError(ErrorCodes.MessageInvalid, 'the MAPI transport needs the message parts (text, HTML, attachments)');
  const known = codePageOf(parts.charset);
  const usable = known !== undefined && iconv.encodingExists(parts.charset) ? known : undefined;
  const charset = usable === undefined ? 'utf-8' : parts.charset;
  const cpid = usable ?? utf8CodePage;
  // MAPI has no From header: the From chosen by the sender (delegation) or by the settings' message.from
  // becomes PR_SENT_REPRESENTING_*, as EWS puts it in From; absent, the profile's mailbox sends as itself.
  const representing = parts.onBehalfOf ?? message.from;
  return {
    cmd: 'send',
    messageId: message.messageId,
    subject: message.subject,
    to: [...message.to],
    cc: [...message.cc],
    bcc: [...message.bcc],
    ...(parts.text !== undefined ? { text: parts.text } : {}),
    ...(parts.html !== undefined ? { html: iconv.encode(parts.html, charset).toString('base64') } : {}),
    cpid,
    ...(representing ? { onBehalfOf: representing } : {}),
    saveCopy,
    attachments: parts.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      data: a.content.toString('base64'),
    })),
  };
}
