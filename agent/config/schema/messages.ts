// ajv errors → issues with our own plain messages. ajv runs with `messages: false` and never
// verbose: its errors hold schema paths and parameters, never data. The text comes from the
// schema (`errorMessage`, allowed values, key names) and from the keyword.
import type { ErrorObject } from 'ajv';
import { closest } from '../did-you-mean.ts';
import { isNameableKey, pointer, pointerSegments, type IssueDraft } from '../issue.ts';

type SchemaNode = Record<string, unknown>;

/** The value at a JSON pointer in data, or in the schema (ajv's schemaPath, after its `#`). */
function valueAt(root: unknown, path: string): unknown {
  let node = root;
  for (const segment of pointerSegments(path)) node = node !== null && typeof node === 'object' ? (node as SchemaNode)[segment] : undefined;
  return node;
}

function schemaAt(root: SchemaNode, schemaPath: string): SchemaNode {
  const node = valueAt(root, schemaPath.replace(/^#/, ''));
  return node !== null && typeof node === 'object' ? node as SchemaNode : {};
}

/** The schema node an error comes from. ajv gives the path of a definition it compiled on its own (one
 *  holding `$ref`s itself, such as clientCredentials) relative to that definition. Such a path is told from
 *  a path from the root by where it applies: a path from the root starts at the document, so its
 *  `properties` steps account for the whole instance path; otherwise the node is looked up in `$defs`. */
function errorNode(root: SchemaNode, error: ErrorObject): SchemaNode {
  const at = error.schemaPath.slice(0, error.schemaPath.lastIndexOf('/'));
  const steps = pointerSegments(at.replace(/^#/, '')).filter((s, i, all) => all[i - 1] === 'properties' && s !== '').length;
  const fromRoot = pointerSegments(error.instancePath).length === steps;
  const defs = Object.values((root.$defs ?? {}) as Record<string, SchemaNode>);
  for (const base of fromRoot ? [root, ...defs] : defs) {
    const node = schemaAt(base, at);
    if (error.keyword in node) return node;
  }
  return schemaAt(root, at);
}

const typeNames: Record<string, string> = {
  object: 'a mapping', array: 'a list', string: 'a string', boolean: 'true or false',
  number: 'a number', integer: 'a whole number', null: 'empty',
};

const formatMessages: Record<string, string> = {
  email: 'must be an e-mail address such as name@contoso.com (no display name, no <>)',
  uri: 'must be an absolute URL',
};

function list(values: unknown): string {
  return Array.isArray(values) ? values.map(String).join(', ') : String(values);
}

function describe(error: ErrorObject, node: SchemaNode, data: unknown): string {
  const custom = typeof node.errorMessage === 'string' ? node.errorMessage : undefined;
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type': {
      const expected = custom ?? `must be ${typeNames[String(p.type)] ?? String(p.type)}`;
      return valueAt(data, error.instancePath) === null ? `has no value; ${expected}` : expected;
    }
    case 'enum': {
      const value = valueAt(data, error.instancePath);
      const guess = typeof value === 'string' ? closest(value, (p.allowedValues as unknown[]).map(String)) : undefined;
      return `must be one of: ${list(p.allowedValues)}${guess ? `; did you mean "${guess}"?` : ''}`;
    }
    case 'const': return `must be ${String(p.allowedValue)}`;
    case 'format': return custom ?? formatMessages[String(p.format)] ?? `must be a valid ${String(p.format)}`;
    case 'pattern': return custom ?? 'does not have the expected form';
    case 'minLength': return p.limit === 1 ? 'must not be empty' : custom ?? `must be at least ${String(p.limit)} characters`;
    case 'maxLength': return `must be at most ${String(p.limit)} characters`;
    case 'exclusiveMinimum': return custom ?? `must be greater than ${String(p.limit)}`;
    case 'minimum': return custom ?? `must be at least ${String(p.limit)}`;
    case 'maximum': return custom ?? `must be at most ${String(p.limit)}`;
    case 'not': return custom ?? 'is not allowed here';
    case 'oneOf': case 'anyOf': return custom ?? 'does not match any of the allowed forms';
    default: return custom ?? `is not valid (${error.keyword})`;
  }
}

function requiredIssue(error: ErrorObject, node: SchemaNode): IssueDraft {
  const missing = String((error.params as { missingProperty: string }).missingProperty);
  const why = typeof node.errorMessage === 'string' ? ` (${node.errorMessage})` : '';
  return { path: error.instancePath + pointer([missing]), keyword: 'required', code: 'SchemaViolation', target: 'mapping',
    message: `missing required key "${missing}"${why}` };
}

/** The keys a mapping's schema names: its own properties, and those of the subschemas it applies
 *  (`$ref`, `allOf`, `if`/`then`/`else`), as a section closed by unevaluatedProperties draws them in. */
function knownKeys(node: SchemaNode, root: SchemaNode, seen = new Set<SchemaNode>()): string[] {
  if (seen.has(node)) return [];
  seen.add(node);
  const sub = (value: unknown): SchemaNode[] => (value !== null && typeof value === 'object' && !Array.isArray(value) ? [value as SchemaNode] : []);
  const applied = [
    ...(typeof node.$ref === 'string' ? [schemaAt(root, node.$ref)] : []),
    ...(Array.isArray(node.allOf) ? node.allOf.flatMap(sub) : []),
    ...sub(node.then), ...sub(node.else),
  ];
  return [...new Set([...Object.keys(node.properties ?? {}), ...applied.flatMap((s) => knownKeys(s, root, seen))])];
}

function unknownKeyIssue(error: ErrorObject, node: SchemaNode, root: SchemaNode): IssueDraft {
  const params = error.params as { additionalProperty?: string; unevaluatedProperty?: string };
  const key = String(params.additionalProperty ?? params.unevaluatedProperty);
  const known = knownKeys(node, root);
  const guess = closest(key, known);
  // The key is repeated only when it is a misspelling of one of ours: any other key could be data
  // typed in the wrong place (a password under `password:` on its own line becomes a key).
  const named = guess !== undefined && isNameableKey(key);
  return {
    path: named ? error.instancePath + pointer([key]) : error.instancePath,
    locatePath: error.instancePath + pointer([key]),
    // One keyword for both ways a mapping is closed, so callers match on one name.
    keyword: 'additionalProperties', code: 'SchemaViolation', target: 'key',
    message: named ? `unknown key "${key}"; did you mean "${guess}"?` : `unknown key; expected one of: ${known.join(', ')}`,
  };
}

/** Drops what is noise to a reader: `if` failures (the branch's own errors say what is wrong) and
 *  the per-branch errors under a failed oneOf/anyOf (its errorMessage says it once). */
function relevant(errors: readonly ErrorObject[]): ErrorObject[] {
  const combinators = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  // A key a branch refuses with its own message ("is only used with auth: oauth") is not also "unknown".
  const explained = new Set(errors.filter((e) => e.keyword !== 'unevaluatedProperties').map((e) => e.instancePath));
  return errors.filter((e) => e.keyword !== 'if' && !combinators.some((c) =>
    e.schemaPath.startsWith(c.schemaPath + '/') && e.instancePath.startsWith(c.instancePath))
    && !(e.keyword === 'unevaluatedProperties'
      && explained.has(e.instancePath + pointer([String((e.params as { unevaluatedProperty: string }).unevaluatedProperty)]))));
}

export function schemaIssues(errors: readonly ErrorObject[], schema: SchemaNode, data: unknown): IssueDraft[] {
  const seen = new Set<string>();
  const issues: IssueDraft[] = [];
  for (const error of relevant(errors)) {
    const node = errorNode(schema, error);
    const issue = error.keyword === 'required' ? requiredIssue(error, node)
      : error.keyword === 'additionalProperties' || error.keyword === 'unevaluatedProperties' ? unknownKeyIssue(error, node, schema)
      : { path: error.instancePath, keyword: error.keyword, code: 'SchemaViolation', message: describe(error, node, data) };
    const id = `${issue.path}\n${issue.locatePath ?? ''}\n${issue.message}`;
    if (!seen.has(id)) { seen.add(id); issues.push(issue); }
  }
  return issues;
}
