// What text may hold before it goes into a message. EWS carries every field in XML 1.0, whose Char
// production (§2.2) has no C0 control but TAB, LF and CR, no lone surrogate and no U+FFFE/U+FFFF: one such
// character in one address makes the server refuse the whole CreateItem it travels in. Header fields
// (subject, addresses, display names, attachment names) are stricter: no control character at all (an ESC
// would reach the terminal of whoever reads the log), no line break of any kind.

/** A character that is not allowed, and where it is. */
export interface BadChar {
  index: number;
  codePoint: number;
}

// Without the `u` flag a surrogate is a code unit of its own, so a lone one can be matched.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const NOT_HEADER = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function find(pattern: RegExp, text: string): BadChar | undefined {
  const match = pattern.exec(text);
  return match ? { index: match.index, codePoint: match[0].charCodeAt(0) } : undefined;
}

/** The first character XML 1.0 cannot carry (TAB, LF and CR are allowed): for bodies. */
export function firstNonXmlChar(text: string): BadChar | undefined {
  return find(NOT_XML, text);
}

/** The first character a header field must not hold: any control character, a line or paragraph
 *  separator, or one XML 1.0 cannot carry. */
export function firstNonHeaderChar(text: string): BadChar | undefined {
  return find(NOT_HEADER, text);
}

/** `U+001B (ESC)`: how an error names a character without printing it. */
export function describeChar(codePoint: number): string {
  const hex = `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
  const name = CharNames[codePoint] ?? (codePoint >= 0xd800 && codePoint <= 0xdfff ? 'a lone surrogate'
    : codePoint < 0x20 || (codePoint >= 0x7f && codePoint <= 0x9f) ? 'a control character' : undefined);
  return name ? `${hex} (${name})` : hex;
}

const CharNames: Record<number, string> = {
  0x00: 'NUL', 0x09: 'TAB', 0x0a: 'LF, a line break', 0x0d: 'CR, a line break', 0x1b: 'ESC', 0x7f: 'DEL',
  0x85: 'NEL, a line break', 0x2028: 'LINE SEPARATOR', 0x2029: 'PARAGRAPH SEPARATOR',
  0xfffe: 'a noncharacter', 0xffff: 'a noncharacter',
};
