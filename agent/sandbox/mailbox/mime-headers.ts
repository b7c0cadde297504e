// Minimal work on a given MIME message's header block: read a header, replace or drop some.
// The body is never touched: the bytes (and so the charset) the client chose are what gets delivered.
import addressparser from 'nodemailer/lib/addressparser';
import iconv from 'iconv-lite';
import type { Address } from './message.ts';

export interface SplitMime { header: string; body: Buffer; eol: string }

export function splitMime(mime: Buffer): SplitMime {
  let end = mime.indexOf('\r\n\r\n');
  let eol = '\r\n';
  const lf = mime.indexOf('\n\n');
  if (end < 0 || (lf >= 0 && lf < end)) {
    end = lf;
    eol = '\n';
  }
  if (end < 0) return { header: mime.toString('latin1'), body: Buffer.alloc(0), eol: '\r\n' };
  return { header: mime.subarray(0, end).toString('latin1'), body: mime.subarray(end + eol.length * 2), eol };
}

/** Header fields in order, unfolded, as [name, raw value] (latin1: bytes kept). */
export function headerFields(header: string): Array<[string, string]> {
  const fields: Array<[string, string]> = [];
  for (const line of header.split(/\r?\n/)) {
    const last = fields[fields.length - 1];
    if (/^[ \t]/.test(line) && last) last[1] += ' ' + line.trim();
    else {
      const colon = line.indexOf(':');
      if (colon > 0) fields.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
    }
  }
  return fields;
}

export function headerValue(fields: Array<[string, string]>, name: string): string | undefined {
  const lower = name.toLowerCase();
  return fields.find(([n]) => n.toLowerCase() === lower)?.[1];
}

export function parseAddresses(value: string | undefined): Address[] {
  if (!value) return [];
  return addressparser(value, { flatten: true })
    .filter((a) => a.address)
    .map((a) => ({ name: a.name || undefined, email: a.address }));
}

/** Decodes RFC 2047 encoded words (for logging the subject). */
export function decodeWords(value: string): string {
  const raw = Buffer.from(value, 'latin1').toString('utf8');
  return raw.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=\s*(?==\?)|=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g,
    (_m, c1?: string, e1?: string, t1?: string, c2?: string, e2?: string, t2?: string) => {
      const charset = (c1 ?? c2 ?? 'utf-8').split('*')[0] ?? 'utf-8';
      const enc = (e1 ?? e2 ?? 'Q').toUpperCase();
      const text = t1 ?? t2 ?? '';
      const bytes = enc === 'B' ? Buffer.from(text, 'base64')
        : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
      return iconv.encodingExists(charset) ? iconv.decode(bytes, charset) : bytes.toString('latin1');
    });
}

function formatAddress(a: Address): string {
  if (!a.name) return `<${a.email}>`;
   
  const plain = /^[\x20-\x7e]*$/.test(a.name);
  const name = plain ? `"${a.name.replace(/["\\]/g, '\\$&')}"` : `=?UTF-8?B?${Buffer.from(a.name, 'utf8').toString('base64')}?=`;
  return `${name} <${a.email}>`;
}

/** The given MIME with From (and Sender, or none) stamped, Bcc dropped, Message-ID and Date added if missing. */
export function stampMime(mime: Buffer, stamp: { from: Address; sender?: Address; messageId: string; date: Date }): Buffer {
  const { header, body, eol } = splitMime(mime);
  const fields = headerFields(header).filter(([n]) => !/^(from|sender|bcc)$/i.test(n));
  const out: string[] = [`From: ${formatAddress(stamp.from)}`];
  if (stamp.sender) out.push(`Sender: ${formatAddress(stamp.sender)}`);
  if (!headerValue(fields, 'message-id')) out.push(`Message-ID: ${stamp.messageId}`);
  if (!headerValue(fields, 'date')) out.push(`Date: ${stamp.date.toUTCString().replace('GMT', '+0000')}`);
  for (const [name, value] of fields) out.push(`${name}: ${value}`);
  return Buffer.concat([Buffer.from(out.join(eol) + eol + eol, 'latin1'), body]);
}
