// The agent's imports point one way. Data flows config → watch → reconcile → transports → status, and
// message → queue → transport; the modules that orchestrate it (reconcile, queue, submission, run) import
// the ones it passes through, never the reverse; the CLI is on top; the sandbox stands beside the agent and
// only the CLI's sandbox commands load it. The layers below are the one place this is written down: a module
// may import its own area and the areas of lower layers, nothing else. A wrong-way import fails here with
// the file and the import that broke the rule.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const agentDir = fileURLToPath(new URL('../../agent/', import.meta.url));

/** Bottom up. An area is a folder of agent/ (or a file at its top); transports/ is split into the contract
 *  and what every transport shares (`transports`), each transport, and the factory that picks one. Areas
 *  of one layer do not import each other: the transports are independent, status is written by the
 *  reconciler and knows no transport, the reconciler and the delivery queue share only what lies below. */
export const layers: readonly (readonly string[])[] = [
  ['errors', 'version', 'clock', 'types', 'der', 'same-secret', 'vendor'],
  ['text', 'deadline'],
  ['log', 'config'],
  ['state', 'watch', 'message', 'ntlm', 'throttle', 'smtp'],
  ['http', 'notifications-log'],
  ['oauth', 'status'],
  ['transports'],
  ['transports/ews', 'transports/graph', 'transports/mapi', 'transports/smtp'],
  ['transports/factory', 'queue', 'reconcile'],
  ['submission'],
  ['metrics'],
  ['run'],
  ['cli'],
];

/** The sandbox may use the agent's building blocks up to this layer (NTLM's codec, SMTP's replies, …). */
const sandboxReaches = layers.findIndex((layer) => layer.includes('smtp'));
/** The only modules that load the sandbox: the commands that run it. */
const sandboxLoaders = new Set(['cli/commands/sandbox.ts', 'cli/commands/sandbox-limits.ts', 'cli/commands/start-demo.ts']);

function areaOf(file: string): string {
  const parts = file.split('/');
  const top = parts[0]!.replace(/\.ts$/, '');
  if (top === 'sandbox') return parts.length > 2 ? `sandbox/${parts[1]}` : `sandbox/${parts[1]!.replace(/\.ts$/, '')}`;
  if (top !== 'transports') return top;
  if (parts.length > 2) return `transports/${parts[1]}`;
  return parts[1] === 'index.ts' ? 'transports/factory' : 'transports';
}

const layerOf = (area: string): number => layers.findIndex((layer) => layer.includes(area));

function sourceFiles(dir: string, under = ''): string[] {
  return readdirSync(path.join(dir, under), { withFileTypes: true }).flatMap((entry) => {
    const relative = under ? `${under}/${entry.name}` : entry.name;
    if (entry.isDirectory()) return sourceFiles(dir, relative);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [relative] : [];
  });
}

interface Edge { from: string; to: string; specifier: string }

/** Every relative import, export-from and import() of the agent's sources, as paths under agent/. */
function agentImports(): Edge[] {
  return sourceFiles(agentDir).flatMap((from) => {
    const { importedFiles } = ts.preProcessFile(readFileSync(path.join(agentDir, from), 'utf8'), true, true);
    return importedFiles.filter((i) => i.fileName.startsWith('.')).flatMap(({ fileName: specifier }) => {
      const to = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
      return to.startsWith('../') ? [] : [{ from, to, specifier }];
    });
  });
}

/** Why an import breaks the direction, or undefined when it keeps it. */
export function wrongWay(from: string, to: string): string | undefined {
  const source = areaOf(from);
  const target = areaOf(to);
  if (source === target) return undefined;
  if (target.startsWith('sandbox/')) {
    if (source.startsWith('sandbox/') || sandboxLoaders.has(from)) return undefined;
    return 'only the sandbox commands load the sandbox';
  }
  const targetLayer = layerOf(target);
  if (targetLayer < 0) return `${target} has no layer: add it to the layers of this test`;
  if (source.startsWith('sandbox/')) return targetLayer <= sandboxReaches ? undefined : `the sandbox reaches no higher than ${layers[sandboxReaches]!.join(', ')}`;
  const sourceLayer = layerOf(source);
  if (sourceLayer < 0) return `${source} has no layer: add it to the layers of this test`;
  return targetLayer < sourceLayer ? undefined : `${source} (layer ${sourceLayer}) may not import ${target} (layer ${targetLayer})`;
}

const edges = agentImports();

test('every import of agent/ points down the layers', () => {
  const wrong = edges.flatMap((e) => {
    const why = wrongWay(e.from, e.to);
    return why ? [`agent/${e.from} imports '${e.specifier}': ${why}`] : [];
  });
  assert.equal(wrong, []);
});

test('the sandbox\'s parts import each other one way (no cycle between its folders)', () => {
  const next = new Map<string, Set<string>>();
  for (const { from, to } of edges) {
    const [a, b] = [areaOf(from), areaOf(to)];
    if (a !== b && a.startsWith('sandbox/') && b.startsWith('sandbox/')) next.set(a, (next.get(a) ?? new Set()).add(b));
  }
  const cycles: string[] = [];
  const visit = (area: string, trail: string[]): void => {
    if (trail.includes(area)) {
      cycles.push([...trail.slice(trail.indexOf(area)), area].join(' → '));
      return;
    }
    for (const b of next.get(area) ?? []) visit(b, [...trail, area]);
  };
  for (const area of next.keys()) visit(area, []);
  assert.equal(cycles, []);
});

test('the check itself: it sees the imports, and it refuses the wrong-way imports #17 removed', () => {
  assert.ok(edges.length > 500, `only ${edges.length} imports found`);
  assert.ok(edges.some((e) => e.from === 'cli/commands/index.ts' && e.to === 'cli/commands/run.ts'), 'import() is read');
  for (const [from, to] of [
    ['ntlm/server.ts', 'sandbox/auth/authenticate.ts'],
    ['run/options.ts', 'cli/args.ts'],
    ['reconcile/failure.ts', 'queue/backoff.ts'],
    ['status/format.ts', 'cli/style.ts'],
    ['status/model.ts', 'transports/transport.ts'],
    ['transports/mapi/index.ts', 'cli/duration.ts'],
    ['transports/graph/index.ts', 'transports/ews/tls.ts'],
    ['config/normalize.ts', 'oauth/clouds.ts'],
    ['message/submitted.ts', 'queue/spool-types.ts'],
    ['run/agent.ts', 'sandbox/index.ts'],
  ] as const) assert.ok(wrongWay(from, to), `${from} → ${to} should be refused`);
  assert.is(wrongWay('reconcile/attempt.ts', 'status/transitions.ts'), undefined);
  assert.is(wrongWay('cli/commands/sandbox.ts', 'sandbox/index.ts'), undefined);
});

test.run();
