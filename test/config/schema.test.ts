// The schema as a document for editors and people: every property explained, closed everywhere,
// defaults and examples that pass their own rules; the example config follows it, commented.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import schema from '../../schemas/mail-settings.schema.json' with { type: 'json' };
import statusSchema from '../../schemas/status.schema.json' with { type: 'json' };
import { createSettingsAjv } from '../../agent/config/schema/validator.ts';
import { withReference } from './settings-reference.ts';

type Node = Record<string, unknown>;
const repoRoot = resolve(import.meta.dirname, '../..');

/** Every documented property: the properties tree, and the definitions' own keys (secret reference, client
 *  credentials, certificate). */
function documented(): [string, Node][] {
  const walk = (properties: Node, prefix: string): [string, Node][] => Object.entries(properties).flatMap(([name, node]) => [
    [`${prefix}${name}`, node as Node] as [string, Node],
    ...((node as Node).properties ? walk((node as Node).properties as Node, `${prefix}${name}/properties/`) : []),
  ]);
  return [
    ...walk(schema.properties, 'properties/'), ...walk(schema.$defs.secret.then.properties, '$defs/secret/then/properties/'),
    ...walk(schema.$defs.clientCredentials.properties, '$defs/clientCredentials/properties/'),
    ...walk(schema.$defs.certificate.properties, '$defs/certificate/properties/'),
  ];
}

function objects(node: unknown, path = '#'): [string, Node][] {
  if (node === null || typeof node !== 'object') return [];
  const here: [string, Node][] = (node as Node).type === 'object' && !path.endsWith('/if') ? [[path, node as Node]] : [];
  return [...here, ...Object.entries(node).flatMap(([k, v]) => objects(v, `${path}/${k}`))];
}

/** Paths of the nodes that `$ref` the definition `name`. */
function users(name: string, node: unknown = schema, path = '#'): string[] {
  if (node === null || typeof node !== 'object') return [];
  const here = (node as Node).$ref === `#/$defs/${name}` ? [path] : [];
  return [...here, ...Object.entries(node).flatMap(([k, v]) => users(name, v, `${path}/${k}`))];
}

test('2020-12, with an $id', () => {
  assert.is(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
  assert.match(schema.$id, /^urn:mail-settings-agent:/);
});

/** Every property schema anywhere in `root` (inside allOf, if/then/else, $defs, items too), with the path of
 *  the data it describes: `/ews/auth` for the property itself and for a condition on it alike. */
function propertySchemas(root: Node): { at: string; where: string; node: unknown }[] {
  const found: { at: string; where: string; node: unknown }[] = [];
  const walk = (node: unknown, at: string, where: string): void => {
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'properties' && value !== null && typeof value === 'object') {
        for (const [name, sub] of Object.entries(value as Node)) {
          found.push({ at: `${at}/${name}`, where: `${where}/properties/${name}`, node: sub });
          walk(sub, `${at}/${name}`, `${where}/properties/${name}`);
        }
      } else if (key === '$defs') {
        for (const [name, sub] of Object.entries(value as Node)) walk(sub, `$defs/${name}`, `${where}/$defs/${name}`);
      } else {
        walk(value, key === 'items' ? `${at}/*` : at, `${where}/${key}`);
      }
    }
  };
  walk(root, '', '#');
  return found;
}

test('every property of the settings and status schemas has a title and a description, conditions included', () => {
  for (const [name, root] of [['settings', schema], ['status', statusSchema]] as const) {
    const list = propertySchemas(root);
    assert.ok(list.length >= 28, name);
    for (const { where, node } of list) {
      // `true` only marks a key as known inside a condition: it has nothing to show.
      if (node === true) continue;
      assert.type((node as Node).title, 'string', `${name} ${where}: title`);
      assert.type((node as Node).description, 'string', `${name} ${where}: description`);
    }
  }
});

test('a key under a condition (if/then/else) has the same help as the key itself: an editor shows one text', () => {
  const byData = new Map<string, Node>();
  for (const { at, where, node } of propertySchemas(schema)) {
    if (node === true) continue;
    const first = byData.get(at);
    if (!first) { byData.set(at, node as Node); continue; }
    assert.is((node as Node).title, first.title, `${where}: title`);
    assert.is((node as Node).description, first.description, `${where}: description`);
  }
});

test('every object is closed (additionalProperties: false, or unevaluatedProperties: false where definitions apply)', () => {
  const list = objects(schema);
  assert.ok(list.length >= 8);
  // The credential definitions are applied to a section (graph, ews) that closes itself with
  // unevaluatedProperties: every use of them must sit inside such a section.
  const applied = new Set(['#/$defs/clientCredentials', '#/$defs/clientCredentialsRequired']);
  for (const [path, node] of list) {
    if (applied.has(path)) {
      const uses = [...users('clientCredentials'), ...users('clientCredentialsRequired')];
      assert.ok(uses.length >= 3, 'used by graph and ews');
      for (const use of uses) {
        const section = list.find(([p, n]) => use.startsWith(`${p}/`) && n.unevaluatedProperties === false);
        assert.ok(section, `${use} sits in a section closed by unevaluatedProperties`);
      }
      continue;
    }
    assert.ok(node.additionalProperties === false || node.unevaluatedProperties === false, path);
  }
});

test('defaults and examples pass their own property schema', () => {
  const ajv = createSettingsAjv(false).addSchema(schema); // a default at a sub-schema's root is no default there
  for (const [path, node] of documented()) {
    const validate = ajv.getSchema(`${schema.$id}#/${path}`);
    if (!validate) throw new Error(`no schema at ${path}`);
    const samples = [...('default' in node ? [node.default] : []), ...((node.examples as unknown[] | undefined) ?? [])];
    for (const sample of samples) assert.ok(validate(structuredClone(sample)), `${path}: ${JSON.stringify(sample)}`);
  }
});

test('config.example.yaml: the modeline, the sandbox defaults, and a comment on every setting', () => {
  const text = readFileSync(resolve(repoRoot, 'config.example.yaml'), 'utf8');
  assert.ok(text.startsWith('# yaml-language-server: $schema=./schemas/mail-settings.schema.json\n'));
  for (const expected of ['service: ews', 'url: https://localhost:8443/EWS/Exchange.asmx', 'username: SANDBOX\\notify',
    'password: { env: MAIL_AGENT_PASSWORD }', 'auth: ntlm', 'caFile: .sandbox/ca.pem', 'to: ops@sandbox.test']) {
    assert.ok(text.includes(`  ${expected} `) || text.includes(`${expected} `), expected);
  }
  const settingLines = text.split('\n').filter((line) => /^\s*[A-Za-z]+:/.test(line));
  assert.ok(settingLines.length >= 20);
  for (const line of settingLines) assert.match(line, / # \S/, line);
});

test('the README holds the settings reference table generated from the schema', () => {
  const document = readFileSync(resolve(repoRoot, 'README.md'), 'utf8');
  assert.is(document, withReference(document),
    'out of step: run `node --import tsx test/config/settings-reference.ts --write README.md`');
  for (const [path] of documented().filter(([p]) => p.startsWith('properties/'))) {
    assert.ok(document.includes(`| \`${path.replace(/^properties\//, '').replace(/\/properties\//g, '.')}\` |`), path);
  }
});

test.run();
