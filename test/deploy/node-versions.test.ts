// The Node.js versions we claim are the ones CI tests: package.json's engines admits exactly the lines of
// .ci/node-versions (the suite runs on each there), the Dockerfile's base image is the newest of them, and
// the Node types are the oldest line's (so the code uses no API the oldest line lacks).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repoRoot } from '../helpers/child.ts';
import { parseDockerfile } from './dockerfile.ts';

type Version = [number, number, number];

const parse = (text: string): Version => {
  const m = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(text);
  assert.ok(m, `${text} is a full version`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
};
const atLeast = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

const pkg = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { engines: { node: string }; devDependencies: Record<string, string> };
const ciVersions = (await readFile(join(repoRoot, '.ci/node-versions'), 'utf8')).split('\n')
  .map((line) => line.replace(/#.*/, '').trim()).filter(Boolean).map(parse);
/** engines.node as lines: `^20.19.0 || ^24.0.0` → the lowest version admitted on each major. */
const engineLines = pkg.engines.node.split('||').map((range) => {
  const m = /^\^(\d+\.\d+\.\d+)$/.exec(range.trim());
  assert.ok(m, `engines.node: "${range.trim()}" is a ^major.minor.patch range (one a supported line)`);
  return parse(m[1]!);
});

test('engines admits exactly the lines CI runs the suite on, each from a version at or below the one tested', () => {
  assert.equal(engineLines.map((v) => v[0]), ciVersions.map((v) => v[0]), 'the same majors, in the same order');
  for (const [i, tested] of ciVersions.entries()) assert.ok(atLeast(tested, engineLines[i]!) >= 0, `CI tests ${tested.join('.')}, engines starts at ${engineLines[i]!.join('.')}`);
});

test('the Dockerfile builds and runs on the newest tested Node, every stage the same', async () => {
  const stages = parseDockerfile(await readFile(join(repoRoot, 'Dockerfile'), 'utf8'));
  const text = await readFile(join(repoRoot, 'Dockerfile'), 'utf8');
  const arg = /^ARG NODE_VERSION=(\d+)\.(\d+)$/m.exec(text);
  assert.ok(arg, 'ARG NODE_VERSION=major.minor');
  const newest = [...ciVersions].sort(atLeast).at(-1)!;
  assert.equal([Number(arg[1]), Number(arg[2])], newest.slice(0, 2), `the image follows ${newest.join('.')}`);
  for (const stage of stages) assert.match(stage.from, /^node:\$\{NODE_VERSION\}-/, `${stage.name ?? 'the final stage'} is FROM node:\${NODE_VERSION}`);
});

test('@types/node is the oldest supported line\'s', () => {
  const oldest = [...ciVersions].sort(atLeast)[0]!;
  assert.match(pkg.devDependencies['@types/node'] ?? '', new RegExp(`^[~^]?${oldest[0]}\\.`));
});

test.run();
