// For a message too large for one Graph request: its MIME without the attachment parts (the draft is made
// from it, so the charset, Message-ID and threading headers survive) and the attachments it held (sent after
// it, each on its own). Only the top level of our own composed multipart/mixed is taken apart; the text and
// HTML parts stay byte for byte. The Bcc travels as a header, which Exchange turns into recipients.
import type { MessageParts } from '../transport.ts';

/** The header block (without its blank line), the body, and the line ending the message uses. */
function split(mime: Buffer): { header: string; body: Buffer; eol: string } {
  const crlf = mime.indexOf('\r\n\r\n');
  const lf = mime.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { header: mime.subarray(0, crlf).toString('latin1'), body: mime.subarray(crlf + 4), eol: '\r\n' };
  if (lf >= 0) return { header: mime.subarray(0, lf).toString('latin1'), body: mime.subarray(lf + 2), eol: '\n' };
  return { header: mime.toString('latin1'), body: Buffer.alloc(0), eol: '\r\n' };
}

export interface SplitMessage {
  /** The MIME without the attachment parts. */
  mime: Buffer;
  /** The parts taken out, in order. */
  removed: number;
}

function boundaryOf(header: string): string | undefined {
  const type = /^content-type:\s*multipart\/mixed;([^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)/im.exec(header)?.[1];
  return type ? /boundary="?([^";\r\n]+)"?/i.exec(type)?.[1] : undefined;
}

/** The MIME without its top-level attachment parts (Content-Disposition: attachment). */
export function withoutAttachments(mime: Buffer): SplitMessage {
  const { header, body } = split(mime);
  const boundary = boundaryOf(header);
  if (!boundary) return { mime, removed: 0 };
  const text = body.toString('latin1');
  const delimiter = `--${boundary}`;
  const pieces = text.split(new RegExp(`\\r?\\n?${delimiter.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  // pieces[0]: the preamble; the last piece starts with "--" (the close delimiter) and holds the epilogue.
  const parts = pieces.slice(1, -1);
  const kept = parts.filter((part) => !/^content-disposition:\s*attachment/im.test(part.split(/\r?\n\r?\n/, 1)[0] ?? ''));
  if (kept.length === parts.length) return { mime, removed: 0 };
  const rebuilt = `${pieces[0] ?? ''}${kept.map((p) => `\r\n${delimiter}${p}`).join('')}\r\n${delimiter}--\r\n`;
  const head = mime.subarray(0, mime.length - body.length);
  return { mime: Buffer.concat([head, Buffer.from(rebuilt, 'latin1')]), removed: parts.length - kept.length };
}

/** The MIME with a Bcc header for the envelope's Bcc recipients (our composed MIME carries none). */
export function withBcc(mime: Buffer, bcc: readonly string[]): Buffer {
  if (bcc.length === 0) return mime;
  const { header, body, eol } = split(mime);
  return Buffer.concat([Buffer.from(`${header}${eol}Bcc: ${bcc.join(', ')}${eol}${eol}`, 'latin1'), body]);
}

export type Attachment = MessageParts['attachments'][number];
