// Independent MIME inspection for tests: find a part's raw body in the composed bytes and decode its
// transfer encoding by hand, so byte-exactness is checked without the library that produced it.

/** Decodes quoted-printable (RFC 2045 §6.7) to bytes. */
export function decodeQuotedPrintable(text: string): Buffer {
  const soft = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    const c = soft[i] ?? '';
    if (c === '=' && /^[0-9A-F]{2}$/i.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(soft.charCodeAt(i));
    }
  }
  return Buffer.from(bytes);
}

/** The decoded body of the first part whose headers match `contentType` (e.g. "text/plain"). */
export function partBody(mime: Buffer, contentType: string): { headers: string; body: Buffer } | undefined {
  const text = mime.toString('latin1');
  const start = text.search(new RegExp(`Content-Type: ${contentType.replace('/', '\\/')}`, 'i'));
  if (start < 0) return undefined;
  const before = text.lastIndexOf('\r\n\r\n', start);
  const headerEnd = text.indexOf('\r\n\r\n', start);
  const headers = text.slice(before < 0 ? 0 : before + 4, headerEnd);
  const rest = text.slice(headerEnd + 4);
  const end = rest.search(/\r\n--/);
  const raw = end < 0 ? rest.replace(/\r\n$/, '') : rest.slice(0, end);
  const cte = /Content-Transfer-Encoding: *([\w-]+)/i.exec(headers)?.[1]?.toLowerCase();
  const body = cte === 'quoted-printable' ? decodeQuotedPrintable(raw)
    : cte === 'base64' ? Buffer.from(raw.replace(/\s+/g, ''), 'base64') : Buffer.from(raw, 'latin1');
  return { headers, body };
}
