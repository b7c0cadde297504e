// Bytes → text, refusing what is not YAML text: YAML is UTF-8 here (UTF-16 is refused by name), and
// the only control characters YAML allows are tab, LF and CR. A UTF-8 BOM is allowed and dropped.
import type { IssueDraft } from '../issue.ts';

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** On failure, `text` is what decodes before the problem, to place it on a line. */
export type Decoded = { ok: true; text: string } | { ok: false; issue: IssueDraft; text: string };

function textIssue(message: string, offset: number, text: string): Decoded {
  return { ok: false, issue: { path: '', keyword: 'encoding', code: 'YamlSyntax', message, offset }, text };
}

export function decodeSettingsText(bytes: Buffer): Decoded {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return textIssue('the file is UTF-16 encoded; save it as UTF-8', 0, '');
  }
  let text: string;
  try {
    text = decoder.decode(bytes); // ignoreBOM false: a leading UTF-8 BOM is consumed
  } catch {
    const valid = new TextDecoder('utf-8').decode(bytes.subarray(0, firstInvalidUtf8(bytes)));
    return textIssue('the file is not UTF-8 text (is it a binary file?)', valid.length, valid);
  }
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  const control = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.exec(text);
  if (control) {
    return textIssue('the file contains a control character that YAML does not allow (is it a binary file?)', control.index, text);
  }
  return { ok: true, text };
}

/** Byte offset of the first byte sequence that is not UTF-8. */
function firstInvalidUtf8(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) break;
    let continuation = true;
    for (let k = 1; k < length; k++) continuation &&= ((bytes[i + k] ?? 0) & 0xc0) === 0x80;
    if (!continuation) break;
    i += length; // overlong 3/4-byte forms are rare enough to be located at the next check
  }
  return i;
}
