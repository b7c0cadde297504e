// Problems found while loading, before they are placed on a line and column of the file.
// Every message is written by us from the schema and the key names: never from a value in the file.
import type { ConfigIssue } from './settings.ts';

/** Where in the YAML an issue points: the node's value, its key, or the mapping that should hold it. */
export type IssueTarget = 'value' | 'key' | 'mapping';

export interface IssueDraft {
  /** JSON pointer of the node ('' = the document). */
  path: string;
  keyword: string;
  code: string;
  message: string;
  target?: IssueTarget;
  /** Where to point when it differs from `path` (a key that `path` does not repeat). */
  locatePath?: string;
  /** A character offset in the text, when known directly (syntax errors). */
  offset?: number;
}

/** Issues about the file as a whole (missing, unreadable, too large) point at its start, line 1, column 1:
 *  every error has a position that exists, so that `file:line:col` parsers (CI problem matchers) take it. */
export function fileIssue(file: string, code: string, keyword: string, message: string): ConfigIssue {
  return { file, path: '', keyword, line: 1, column: 1, message, code };
}

/** JSON pointer from segments (RFC 6901 escaping). */
export function pointer(segments: readonly (string | number)[]): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

export function pointerSegments(path: string): string[] {
  if (path === '') return [];
  return path.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** A key from the file may be named in a message only when it looks like a key, not like data. */
export function isNameableKey(key: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(key);
}
