// Every text setting is a single-line value that may end up in an XML request (message.from, test.to,
// names), a MIME header or a terminal: a control character or one XML 1.0 cannot carry (U+FFFE, a lone
// surrogate) is refused where it stands, named by code point, never printed. YAML's double-quoted escapes
// ("\e", "\uFFFE") can put one in a value without it being in the file, so the parsed values are checked.
// Secret literals are left alone: they go to authentication only, never into a message or a terminal.
import { describeChar, firstNonHeaderChar } from '../text/xml-chars.ts';
import { pointer, type IssueDraft } from './issue.ts';

const SecretPaths = new Set(['/ews/password', '/ews/token']);

// An alias makes a subtree appear twice (or inside itself): each object is walked once.
function walk(value: unknown, segments: (string | number)[], out: IssueDraft[], seen = new WeakSet<object>()): void {
  if (typeof value === 'string') {
    const path = pointer(segments);
    const bad = SecretPaths.has(path) ? undefined : firstNonHeaderChar(value);
    if (bad) {
      out.push({ path, keyword: 'characters', code: 'SemanticViolation',
        message: `contains ${describeChar(bad.codePoint)} at character ${bad.index + 1}; a setting holds no control characters and nothing XML 1.0 cannot carry` });
    }
    return;
  }
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (Array.isArray(value)) value.forEach((item, i) => { walk(item, [...segments, i], out, seen); });
  else for (const [key, child] of Object.entries(value)) walk(child, [...segments, key], out, seen);
}

/** Issues for text settings holding a character they must not, except at paths already reported. */
export function textCharIssues(data: unknown, reported: readonly IssueDraft[]): IssueDraft[] {
  const taken = new Set(reported.map((i) => i.path));
  const out: IssueDraft[] = [];
  walk(data, [], out);
  return out.filter((i) => !taken.has(i.path));
}
