// A nesting-depth cap, checked on the text before parsing: the yaml package composes nodes
// recursively, so a deeply nested file (`[[[[…`, `- - - …`, or ever deeper indentation) costs seconds
// and overflows its stack. This scan is linear and approximate (it may over-count odd multi-line
// scalars), which is fine: a real settings file is three levels deep, far below the cap.
import type { IssueDraft } from '../issue.ts';

export const maxNestingDepth = 32;

export function checkNestingDepth(text: string, limit = maxNestingDepth): IssueDraft | undefined {
  let flow = 0;
  const indents: number[] = []; // block structure: the indentation of each open level
  let i = 0;
  while (i < text.length) {
    // Start of a line: measure indentation and compact "- " / "? " indicators.
    let col = 0;
    while (text[i] === ' ') { i++; col++; }
    const lineStart = i;
    if (flow === 0 && text[i] !== '\n' && text[i] !== '\r' && text[i] !== '#' && i < text.length) {
      while (indents.length > 0 && (indents.at(-1) ?? 0) >= col) indents.pop();
      indents.push(col);
      while ((text[i] === '-' || text[i] === '?') && (text[i + 1] === ' ' || text[i + 1] === '\t')) {
        i += 2; col += 2;
        while (text[i] === ' ') { i++; col++; }
        indents.push(col);
        if (indents.length > limit) return tooDeep(i, limit);
      }
      if (indents.length > limit) return tooDeep(lineStart, limit);
    }
    // Rest of the line: flow brackets outside quotes and comments.
    let quote = '';
    for (; i < text.length && text[i] !== '\n'; i++) {
      const c = text[i];
      if (quote) {
        if (c === '\\' && quote === '"') i++;
        else if (c === quote) quote = '';
        continue;
      }
      if (c === '#' && (i === 0 || text[i - 1] === ' ' || text[i - 1] === '\t')) break;
      if ((c === '"' || c === "'") && (i === lineStart || ' \t[{,:'.includes(text[i - 1] ?? ''))) quote = c;
      else if (c === '[' || c === '{') { if (++flow + indents.length > limit) return tooDeep(i, limit); }
      else if ((c === ']' || c === '}') && flow > 0) flow--;
    }
    while (i < text.length && text[i] !== '\n') i++;
    i++;
  }
  return undefined;
}

function tooDeep(offset: number, limit: number): IssueDraft {
  return { path: '', keyword: 'maxDepth', code: 'YamlSyntax', offset,
    message: `the file is nested more than ${limit} levels deep` };
}
