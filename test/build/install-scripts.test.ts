// A newcomer's `npm install` is clean: npm 11 warns about every dependency whose install script the project
// has not reviewed (allowScripts in package.json; `npm help install-scripts`). Each one the lockfile marks
// (hasInstallScript) is declared, allowed or denied, so the warning never appears.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/child.ts';

const read = (file: string) => JSON.parse(readFileSync(join(repoRoot, file), 'utf8')) as Record<string, unknown>;

test('every dependency with an install script is declared in allowScripts', () => {
  const lock = read('package-lock.json') as { packages: Record<string, { hasInstallScript?: boolean; version?: string }> };
  const declared = Object.keys((read('package.json').allowScripts ?? {}));
  const withScripts = Object.entries(lock.packages).filter(([, p]) => p.hasInstallScript)
    .map(([where, p]) => ({ name: where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length), version: p.version }));
  assert.ok(withScripts.length >= 1, 'esbuild has one');
  for (const { name, version } of withScripts) {
    assert.ok(declared.includes(name) || declared.includes(`${name}@${version}`), `${name}@${version} runs an install script the project has not declared in allowScripts`);
  }
});

test('esbuild\'s install script is denied: it only swaps its launcher for the binary, and the build and tsx run without it', () => {
  assert.equal(read('package.json').allowScripts, { esbuild: false });
});

test.run();
