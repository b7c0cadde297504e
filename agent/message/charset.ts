// The configured character set: subject and body are encoded in it with iconv-lite, and a character it
// cannot represent is refused at `send` (iconv-lite would silently substitute '?').
import iconv from 'iconv-lite';
import { AgentError, ErrorCodes } from '../errors.ts';

export function isUtf8(charset: string): boolean {
  return /^utf-?8$/i.test(charset.trim());
}

export function assertCharsetKnown(charset: string): void {
  const name = charset; // encodingExists narrows `charset` to never in the false branch
  if (!iconv.encodingExists(charset)) {
    throw new AgentError(ErrorCodes.CharsetUnencodable, `the configured character set '${name}' is not one iconv-lite can encode`);
  }
}

/** Encodes `value` in `charset`, or throws CharsetUnencodable naming the field and the first bad character. */
export function encodeStrict(field: string, value: string, charset: string): Buffer {
  const bytes = iconv.encode(value, charset);
  if (isUtf8(charset)) return bytes;
  const back = iconv.decode(bytes, charset);
  if (back !== value) {
    const chars = Array.from(value);
    const backChars = Array.from(back);
    const index = chars.findIndex((c, i) => c !== backChars[i]);
    const bad = chars[Math.max(index, 0)] ?? '';
    const codePoint = 'U+' + (bad.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
    throw new AgentError(ErrorCodes.CharsetUnencodable,
      `${field}: character ${codePoint} '${bad}' cannot be encoded in ${charset}`);
  }
  return bytes;
}

/**
 * An unstructured header value (Subject) as RFC 2047 encoded words in `charset`, folded. Words are cut on
 * character boundaries so a multi-byte charset never splits a character.
 */
export function encodeHeaderWords(value: string, charset: string): string {
  // Plain ASCII goes as is, unless its spacing would not survive unfolding (leading, trailing, runs).
  if (/^[\x21-\x7e]+(?: [\x21-\x7e]+)*$/.test(value) && value.length <= 900) return value;
  const maxBytes = 45; // 60 base64 chars: each folded line stays under 78 columns
  const words: string[] = [];
  let chunk: Buffer[] = [];
  let size = 0;
  const flush = () => {
    if (size === 0) return;
    words.push(`=?${charset}?B?${Buffer.concat(chunk).toString('base64')}?=`);
    chunk = [];
    size = 0;
  };
  for (const char of value) {
    const bytes = iconv.encode(char, charset);
    if (size + bytes.length > maxBytes) flush();
    chunk.push(bytes);
    size += bytes.length;
  }
  flush();
  return words.join('\r\n ');
}
