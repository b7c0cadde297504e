// JSON pointer → line and column in the YAML, so that every issue names where it is.
import { isAlias, isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import type { ConfigIssue } from '../settings.ts';
import { pointerSegments, type IssueDraft } from '../issue.ts';
import type { ParsedSource } from './parse.ts';

interface Found { value: Node | null; key: Node | null; parent: Node | null }

/** Walks the document along the pointer; stops at the deepest node that exists. */
function find(source: ParsedSource, path: string): Found {
  let found: Found = { value: source.doc.contents, key: null, parent: null };
  for (const segment of pointerSegments(path)) {
    let node = found.value;
    if (isAlias(node)) node = node.resolve(source.doc) ?? null;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === segment);
      if (!pair) break;
      found = { value: pair.value as Node | null, key: pair.key as Node, parent: node };
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)];
      if (item === undefined) break;
      found = { value: item as Node | null, key: null, parent: node };
    } else {
      break;
    }
  }
  return found;
}

function offsetOf(source: ParsedSource, draft: IssueDraft): number {
  if (draft.offset !== undefined) return draft.offset;
  const found = find(source, draft.locatePath ?? draft.path);
  // A key with no value (`url:`) has an empty value node at the end of the line: point at the key.
  const range = found.value?.range;
  const empty = range !== undefined && range !== null && range[0] === range[1];
  const node = draft.target === 'key' || empty ? found.key ?? found.value
    : draft.target === 'mapping' ? found.value
    : found.value ?? found.key;
  return node?.range?.[0] ?? 0;
}

/** `source` is the parsed document, or only the text when the problem was found before parsing. */
export function locate(file: string, source: ParsedSource | string, draft: IssueDraft): ConfigIssue {
  const pos = typeof source === 'string' ? linePos(draft.offset ?? 0, source) : source.lines.linePos(offsetOf(source, draft));
  return { file, path: draft.path, keyword: draft.keyword, line: pos.line, column: pos.col, message: draft.message, code: draft.code };
}

/** Line and column of an offset in text not (yet) parsed: for issues found before parsing. */
export function linePos(offset: number, text: string): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) { line++; start = i + 1; }
  return { line, col: offset - start + 1 };
}
