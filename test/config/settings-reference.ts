// The settings reference table of the README (in README.md), generated from
// the schema so the two cannot drift: settings-doc.test.ts checks the document holds this exact table.
// Regenerate: node --import tsx test/config/settings-reference.ts --write README.md
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import schema from '../../schemas/mail-settings.schema.json' with { type: 'json' };

type Node = Record<string, unknown>;

export const begin = '<!-- settings-reference: generated from schemas/mail-settings.schema.json; do not edit by hand -->';
export const end = '<!-- /settings-reference -->';

const code = (value: unknown) => `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function typeOf(node: Node): string {
  if ('const' in node) return code(node.const);
  if (Array.isArray(node.enum)) return node.enum.map(code).join(' \\| ');
  if (node.$ref === '#/$defs/secret') return 'secret: `{ file: PATH }`, `{ env: NAME }` or a string';
  if (node.type === 'object' || defOf(node.$ref)?.type === 'object') return 'mapping';
  if (Array.isArray(defOf(node.$ref)?.enum)) return typeOf(defOf(node.$ref) ?? {});
  if (node.format === 'email') return 'e-mail address';
  if (Array.isArray(node.anyOf) && node.anyOf.some((f: Node) => f.format === 'email')) return 'e-mail address or object id';
  if (node.format === 'uri') return 'URL';
  if (node.type === 'number' && node.exclusiveMinimum === 0) return 'number > 0';
  if (node.type === 'boolean') return '`true` \\| `false`';
  return String(node.type);
}

const defs = schema.$defs as Record<string, Node>;
const defOf = (ref: unknown): Node | undefined => (typeof ref === 'string' ? defs[ref.replace('#/$defs/', '')] : undefined);

/** A mapping's documented settings: its own, and those of the definitions it applies (`$ref`, `allOf`,
 *  `then`), a local entry refining the definition's (e.g. adding a default). */
function settingsOf(node: Node): Record<string, Node> {
  const out: Record<string, Node> = {};
  const add = (from: Node | undefined): void => {
    if (!from) return;
    for (const part of (from.allOf as Node[] | undefined) ?? []) add(defOf(part.$ref));
    add(defOf(from.$ref));
    for (const [name, value] of Object.entries((from.properties ?? {}) as Record<string, unknown>)) {
      if (value !== null && typeof value === 'object' && 'description' in value) out[name] = { ...out[name], ...(value as Node) };
    }
  };
  add(node);
  for (const part of (node.allOf as Node[] | undefined) ?? []) add(part.then as Node | undefined);
  return out;
}

function rows(properties: Record<string, Node>, prefix: string): string[] {
  return Object.entries(properties).flatMap(([name, node]) => {
    const row = `| ${code(prefix + name)} | ${typeOf(node)} | ${'default' in node ? code(node.default) : ''} | ${cell(String(node.description))} |`;
    const inner = node.properties || node.allOf ? settingsOf(node) : defOf(node.$ref)?.properties ? settingsOf(defOf(node.$ref) ?? {}) : {};
    return [row, ...rows(inner, `${prefix}${name}.`)];
  });
}

export function settingsReference(): string {
  return [
    begin,
    '| Setting | Type | Default | What it is |',
    '| --- | --- | --- | --- |',
    ...rows(schema.properties, ''),
    end,
  ].join('\n');
}

/** The document with its table replaced by the current one. */
export function withReference(document: string): string {
  const from = document.indexOf(begin);
  const to = document.indexOf(end);
  if (from < 0 || to < from) throw new Error('the document has no settings-reference markers');
  return document.slice(0, from) + settingsReference() + document.slice(to + end.length);
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === '--write' && process.argv[3]) {
  writeFileSync(process.argv[3], withReference(readFileSync(process.argv[3], 'utf8')));
}
