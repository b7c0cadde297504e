// Charset name → Windows code page, for PR_INTERNET_CPID (the code page of PR_HTML's bytes).
// Names are compared case-insensitively with punctuation removed, so "UTF-8", "utf8", "ISO_8859-1" match.

const table: Record<string, number> = {
  utf8: 65001, utf16le: 1200, utf16be: 1201, usascii: 20127, ascii: 20127,
  iso88591: 28591, latin1: 28591, iso88592: 28592, latin2: 28592, iso88593: 28593, iso88594: 28594,
  iso88595: 28595, iso88596: 28596, iso88597: 28597, iso88598: 28598, iso88599: 28599, latin5: 28599,
  iso885913: 28603, iso885915: 28605, latin9: 28605,
  windows874: 874, windows1250: 1250, windows1251: 1251, windows1252: 1252, windows1253: 1253,
  windows1254: 1254, windows1255: 1255, windows1256: 1256, windows1257: 1257, windows1258: 1258,
  cp1250: 1250, cp1251: 1251, cp1252: 1252, cp1253: 1253, cp1254: 1254, cp1255: 1255, cp1256: 1256,
  cp1257: 1257, cp1258: 1258, cp874: 874, cp437: 437, cp850: 850, cp866: 866, ibm437: 437, ibm850: 850, ibm866: 866,
  koi8r: 20866, koi8u: 21866, shiftjis: 932, sjis: 932, windows31j: 932, cp932: 932, eucjp: 51932,
  iso2022jp: 50220, gb2312: 936, gbk: 936, cp936: 936, gb18030: 54936, big5: 950, cp950: 950,
  euckr: 51949, ksc56011987: 949, cp949: 949, windows949: 949, macintosh: 10000, macroman: 10000,
};

function key(charset: string): string {
  return charset.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** The Windows code page of a charset, or undefined when it has none we know. */
export function codePageOf(charset: string): number | undefined {
  return table[key(charset)];
}

export const utf8CodePage = 65001;
