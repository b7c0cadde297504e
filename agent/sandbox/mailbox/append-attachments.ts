// Attachments added to a message that arrived as MIME (a Graph draft created from MIME, then given large
// attachments by upload sessions): the original body becomes the first part of a multipart/mixed, its bytes
// untouched, the attachments follow, base64. Header fields other than the content ones stay where they were.
import { randomBytes } from 'node:crypto';
import type { Attachment } from './message.ts';
import { headerFields, splitMime } from './mime-headers.ts';

const CONTENT = /^(content-type|content-transfer-encoding|mime-version)$/i;

function quoted(name: string): string {
  return /^[\x20-\x7e]*$/.test(name) ? `"${name.replace(/["\\]/g, '\\$&')}"` : `"=?UTF-8?B?${Buffer.from(name, 'utf8').toString('base64')}?="`;
}

function base64Lines(data: Buffer): string {
  return (data.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
}

export function appendAttachments(mime: Buffer, attachments: readonly Attachment[]): Buffer {
  if (attachments.length === 0) return mime;
  const { header, body, eol } = splitMime(mime);
  const fields = headerFields(header);
  const boundary = `----=_sandbox_${randomBytes(12).toString('hex')}`;
  const outer = fields.filter(([n]) => !CONTENT.test(n)).map(([n, v]) => `${n}: ${v}`);
  const inner = fields.filter(([n]) => /^content-/i.test(n)).map(([n, v]) => `${n}: ${v}`);
  const parts = attachments.map((a) => [
    `--${boundary}`,
    `Content-Type: ${a.contentType ?? 'application/octet-stream'}; name=${quoted(a.name)}`,
    `Content-Disposition: ${a.isInline ? 'inline' : 'attachment'}; filename=${quoted(a.name)}`,
    ...(a.contentId ? [`Content-ID: <${a.contentId.replace(/^<|>$/g, '')}>`] : []),
    'Content-Transfer-Encoding: base64', '', base64Lines(a.content),
  ].join('\r\n'));
  const head = [...outer, 'MIME-Version: 1.0', `Content-Type: multipart/mixed; boundary="${boundary}"`, '', `--${boundary}`,
    ...(inner.length > 0 ? inner : ['Content-Type: text/plain; charset=us-ascii']), '', ''].join('\r\n');
  const tail = `${eol === '\n' ? '\n' : '\r\n'}${parts.join('\r\n')}\r\n--${boundary}--\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body, Buffer.from(tail, 'latin1')]);
}
