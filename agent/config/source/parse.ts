// Text → one YAML document → plain data, with the caps that keep a hostile file cheap:
// exactly one document, a nesting-depth cap, an alias-expansion cap, duplicate keys refused.
import { isAlias, LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { IssueDraft } from '../issue.ts';
import { checkNestingDepth } from './depth.ts';
import { yamlErrorMessage } from './yaml-messages.ts';

/** Alias nodes expanded by toJS: ordinary files use none; "billion laughs" needs millions. */
export const maxAliasCount = 50;

export interface ParsedSource {
  text: string;
  doc: Document.Parsed;
  lines: LineCounter;
}

export type Parsed =
  | { ok: true; source: ParsedSource; data: unknown }
  | { ok: false; source: ParsedSource | undefined; issues: IssueDraft[] };

function syntax(message: string, offset: number, keyword = 'syntax'): IssueDraft {
  return { path: '', keyword, code: 'YamlSyntax', message, offset };
}

export function parseSettingsYaml(text: string): Parsed {
  const tooDeep = checkNestingDepth(text);
  if (tooDeep) return { ok: false, source: undefined, issues: [tooDeep] };
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, strict: true, stringKeys: true, logLevel: 'error' });
  const source = { text, doc, lines };
  if (doc.errors.length > 0) {
    return { ok: false, source, issues: doc.errors.map((e) => syntax(yamlErrorMessage(e.code), e.pos[0], e.code === 'DUPLICATE_KEY' ? 'uniqueKeys' : 'syntax')) };
  }
  try {
    return { ok: true, source, data: doc.toJS({ maxAliasCount }) };
  } catch {
    // toJS throws only when aliases expand past the cap; point at the first alias.
    let first = 0;
    visit(doc, { Alias(_key, node) { if (isAlias(node)) first = node.range?.[0] ?? 0; return visit.BREAK; } });
    return { ok: false, source, issues: [syntax(`aliases expand to too many nodes (more than ${maxAliasCount}); write the settings out`, first, 'maxAliases')] };
  }
}
