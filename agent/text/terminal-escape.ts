// Text from outside (a subject, a server's fault string, an autodiscover <Message>, a file name) is printed
// to terminals by `status`, `log`, `test` and the error paths. A control character in it could move the
// cursor, clear the line and paint a fake "Ready": every such character is printed as an escape instead.
// JSON output needs none of this (JSON.stringify escapes C0; C1 is escaped here for text only).

// C0, DEL, C1 (CSI is U+009B), line and paragraph separators, and the bidirectional controls that reorder
// what a terminal shows.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

const Short: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeOne(c: string): string {
  const code = c.charCodeAt(0);
  return Short[c] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
}

/** `text` with every control character written as `\xHH` / `\uHHHH` (`\n`, `\r`, `\t` for those). */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, escapeOne);
}

/** A copy of `value` with escapeControls applied to every string in it (keys included). */
export function escapeControlsDeep<T>(value: T): T {
  if (typeof value === 'string') return escapeControls(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => escapeControlsDeep(v)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [escapeControls(k), escapeControlsDeep(v)])) as T;
  }
  return value;
}
