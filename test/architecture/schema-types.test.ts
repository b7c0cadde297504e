// The hand-written types that restate the JSON Schemas stay in step with them: RawSettings (the settings
// file once the schema has passed and filled its defaults) with schemas/mail-settings.schema.json, and
// StatusDocument with schemas/status.schema.json. Read as TypeScript's checker sees the types, every
// object the schema describes is compared with its type, all the way down: the same property names both
// ways, a property present in every document (required, or filled by a default) is not optional in the
// type and the reverse, null where the schema allows it, and the same values where the schema lists them.
// Why a check and not generated types: the types carry the names the code uses (RawClientCredentials,
// Cloud, TransportInfo, …) and read as documentation; a generator would need most of JSON Schema's
// conditionals, and json-schema-to-ts would need the 1,100-line schema as a TypeScript constant.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import settingsSchema from '../../schemas/mail-settings.schema.json' with { type: 'json' };
import statusSchema from '../../schemas/status.schema.json' with { type: 'json' };

type Schema = Record<string, unknown>;

const root = fileURLToPath(new URL('../../', import.meta.url));

// ---- the schema side: what an object node declares, conditionals and $refs included

interface SchemaShape {
  /** Every node that declares the property, anywhere in the object's schema. */
  props: Map<string, Schema[]>;
  /** Present in every valid document: required unconditionally, or given a default. */
  always: Set<string>;
  items: Schema[];
  values: Set<string> | undefined;
  nullable: boolean;
}

const isSchema = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value);

function schemaShape(document: Schema, nodes: readonly Schema[]): SchemaShape {
  const shape: SchemaShape = { props: new Map(), always: new Set(), items: [], values: undefined, nullable: false };
  const visit = (node: Schema, unconditional: boolean): void => {
    if (typeof node.$ref === 'string') {
      const target = node.$ref.replace(/^#\//, '').split('/').reduce<unknown>((at, key) => (at as Schema)[key], document);
      if (isSchema(target)) visit(target, unconditional);
    }
    if (isSchema(node.properties)) {
      for (const [name, declared] of Object.entries(node.properties)) {
        if (!isSchema(declared)) continue;
        shape.props.set(name, [...(shape.props.get(name) ?? []), declared]);
        if (unconditional && 'default' in declared) shape.always.add(name);
      }
    }
    if (unconditional && Array.isArray(node.required)) for (const name of node.required) shape.always.add(String(name));
    if (isSchema(node.items)) shape.items.push(node.items);
    const listed = Array.isArray(node.enum) ? node.enum : 'const' in node ? [node.const] : undefined;
    if (listed?.every((v) => typeof v === 'string')) shape.values = new Set([...(shape.values ?? []), ...listed]);
    if (node.type === 'null' || (Array.isArray(node.type) && node.type.includes('null'))) shape.nullable = true;
    for (const branch of Array.isArray(node.allOf) ? node.allOf : []) if (isSchema(branch)) visit(branch, unconditional);
    for (const key of ['anyOf', 'oneOf'] as const) for (const branch of Array.isArray(node[key]) ? node[key] : []) if (isSchema(branch)) visit(branch, false);
    for (const key of ['if', 'then', 'else'] as const) if (isSchema(node[key])) visit(node[key], false);
  };
  for (const node of nodes) visit(node, true);
  return shape;
}

// ---- the type side

interface TypeShape {
  props: Map<string, { optional: boolean; types: ts.Type[] }>;
  items: ts.Type[];
  values: Set<string> | undefined;
  /** A plain string (or number, boolean) is among its members. */
  open: boolean;
  nullable: boolean;
}

function typeShape(checker: ts.TypeChecker, types: readonly ts.Type[]): TypeShape {
  const shape: TypeShape = { props: new Map(), items: [], values: undefined, open: false, nullable: false };
  const members = types.flatMap((type) => (type.isUnion() ? type.types : [type]));
  const objects: ts.Type[] = [];
  for (const member of members) {
    if (member.flags & ts.TypeFlags.Undefined) continue;
    if (member.flags & ts.TypeFlags.Null) shape.nullable = true;
    else if (member.isStringLiteral()) shape.values = new Set([...(shape.values ?? []), member.value]);
    else if (checker.isArrayType(member)) shape.items.push(...checker.getTypeArguments(member as ts.TypeReference));
    else if (member.flags & (ts.TypeFlags.Object | ts.TypeFlags.Intersection)) objects.push(member);
    else shape.open = true;
  }
  for (const object of objects) {
    for (const symbol of checker.getPropertiesOfType(object)) {
      const optional = (symbol.flags & ts.SymbolFlags.Optional) !== 0 || objects.some((o) => !o.getProperty(symbol.name));
      const seen = shape.props.get(symbol.name);
      const propType = checker.getTypeOfSymbol(symbol);
      shape.props.set(symbol.name, { optional: (seen?.optional ?? false) || optional, types: [...(seen?.types ?? []), propType] });
    }
  }
  return shape;
}

// ---- the comparison

function compare(checker: ts.TypeChecker, document: Schema, nodes: readonly Schema[], types: readonly ts.Type[], at: string, out: string[]): void {
  const schema = schemaShape(document, nodes);
  const typed = typeShape(checker, types);
  if (schema.nullable !== typed.nullable) out.push(`${at}: null is ${schema.nullable ? '' : 'not '}allowed by the schema, ${typed.nullable ? '' : 'not '}allowed by the type`);
  if (schema.values && !typed.values) out.push(`${at}: the schema lists ${[...schema.values].join(', ')}; the type takes any value`);
  else if (typed.values && !typed.open) {
    const missing = [...(schema.values ?? [])].filter((v) => !typed.values?.has(v));
    const extra = [...typed.values].filter((v) => !schema.values?.has(v));
    if (missing.length || extra.length) out.push(`${at}: values the type lacks [${missing.join(', ')}], values the schema lacks [${extra.join(', ')}]`);
  }
  if (schema.items.length && typed.items.length) compare(checker, document, schema.items, typed.items, `${at}[]`, out);
  else if (schema.items.length || typed.items.length) out.push(`${at}: an array in ${schema.items.length ? 'the schema' : 'the type'} only`);
  for (const name of schema.props.keys()) if (!typed.props.has(name)) out.push(`${at}/${name}: in the schema, not in the type`);
  for (const [name, prop] of typed.props) {
    const declared = schema.props.get(name);
    if (!declared) {
      out.push(`${at}/${name}: in the type, not in the schema`);
      continue;
    }
    if (schema.always.has(name) === prop.optional) out.push(`${at}/${name}: ${prop.optional ? 'optional in the type, but present in every document' : 'required by the type, but the schema lets it be absent'}`);
    compare(checker, document, declared, prop.types, `${at}/${name}`, out);
  }
}

function declaredType(program: ts.Program, file: string, name: string): ts.Type {
  const source = program.getSourceFile(path.join(root, file));
  const checker = program.getTypeChecker();
  const module = source && checker.getSymbolAtLocation(source);
  const symbol = module && checker.getExportsOfModule(module).find((s) => s.name === name);
  if (!symbol) throw new Error(`${name} not found in ${file}`);
  return checker.getDeclaredTypeOfSymbol(symbol);
}

const config = ts.getParsedCommandLineOfConfigFile(path.join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
if (!config) throw new Error('tsconfig.json cannot be read');
const files = ['agent/config/raw-settings.ts', 'agent/status/model.ts'];
const program = ts.createProgram(files.map((f) => path.join(root, f)), config.options);

function drift(file: string, name: string, schema: Schema): string[] {
  const out: string[] = [];
  compare(program.getTypeChecker(), schema, [schema], [declaredType(program, file, name)], name, out);
  return out;
}

test('RawSettings (config/raw-settings.ts) says what schemas/mail-settings.schema.json says', () => {
  assert.equal(drift('agent/config/raw-settings.ts', 'RawSettings', settingsSchema), []);
});

test('StatusDocument (status/model.ts, with types/) says what schemas/status.schema.json says', () => {
  assert.equal(drift('agent/status/model.ts', 'StatusDocument', statusSchema), []);
});

test('the check itself: a property, an optionality, a value or a null that differs is reported', () => {
  const schema: Schema = {
    type: 'object', required: ['apiVersion', 'kind', 'agent', 'writtenAt', 'sequence', 'source', 'observedRevision', 'conditions', 'failures', 'queue', 'history'],
    properties: { ...(statusSchema as { properties: Schema }).properties, extra: { type: 'string' } },
    $defs: (statusSchema as { $defs: Schema }).$defs,
  };
  const found = drift('agent/status/model.ts', 'StatusDocument', schema);
  assert.ok(found.includes('StatusDocument/extra: in the schema, not in the type'), found.join('\n'));
  const changed = JSON.parse(JSON.stringify(statusSchema)) as { required: string[]; $defs: { transport: { properties: { service: { enum: string[] } } }; condition: { properties: { observedRevision: Schema } } } };
  changed.required = changed.required.filter((r) => r !== 'history');
  changed.$defs.transport.properties.service.enum.push('sendmail');
  changed.$defs.condition.properties.observedRevision = { $ref: '#/$defs/revision' };
  const more = drift('agent/status/model.ts', 'StatusDocument', changed);
  for (const expected of [
    'StatusDocument/history: required by the type, but the schema lets it be absent',
    'StatusDocument/lastApplied/transport/service: values the type lacks [sendmail], values the schema lacks []',
    'StatusDocument/conditions[]/observedRevision: null is not allowed by the schema, allowed by the type',
  ]) assert.ok(more.includes(expected), `${expected}\nnot in:\n${more.join('\n')}`);
});

test.run();
