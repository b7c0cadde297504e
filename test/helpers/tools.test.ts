// A machine without the cross-check tools: npm test passes the rest and ends with one summary naming what did
// not run and the command that installs it; with CI=true the same missing tool fails the run.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repoRoot } from './child.ts';
import { ciPackages, notRunDirVariable } from './tools.ts';

function runFixture(env: Record<string, string>, file = 'needs-swaks.ts$') {
  const fixture = path.join('test', 'helpers', 'fixtures');
  const { CI: _ci, [notRunDirVariable]: _dir, ...base } = process.env; // this process's settings, not the fixture's
  const res = spawnSync(process.execPath, ['--import', 'tsx', 'node_modules/uvu/bin.js', fixture, file, '--color', 'false'],
    { cwd: repoRoot, env: { ...base, ...env }, encoding: 'utf8', timeout: 60_000 });
  return { code: res.status, out: res.stdout + res.stderr };
}

test('without swaks, outside CI: passes, and the summary names the file and the install command', () => {
  const { code, out } = runFixture({ MAIL_AGENT_TEST_WITHOUT: 'swaks' });
  assert.is(code, 0, out);
  assert.match(out, 'Total:     1');
  assert.match(out, 'Not run on this machine');
  assert.match(out, 'swaks (swaks): test/helpers/fixtures/needs-swaks.ts');
  assert.match(out, `sudo apt-get install -y --no-install-recommends ${ciPackages().join(' ')}`);
});

test('without swaks, with CI=true: the run fails, naming the tool and its package', () => {
  const { code, out } = runFixture({ MAIL_AGENT_TEST_WITHOUT: 'swaks', CI: 'true' });
  assert.is(code, 1, out);
  assert.match(out, 'swaks (Debian package swaks) is missing; CI=true requires it');
  assert.not.match(out, 'Not run on this machine');
});

test('tests that need root\'s mount: left out and named in the same summary (no stray skip line); with CI=true the run fails', () => {
  const here = runFixture({ MAIL_AGENT_TEST_WITHOUT: 'mount' }, 'needs-mount.ts$');
  assert.is(here.code, 0, here.out);
  assert.match(here.out, 'Total:     1');
  assert.match(here.out, 'Not run on this machine');
  assert.match(here.out, 'mount (needs root, to mount a small tmpfs; run the tests as root, as .ci/run does): test/helpers/fixtures/needs-mount.ts');
  assert.not.match(here.out, 'apt-get install', 'no package would help');
  assert.not.match(here.out, 'SKIPPED');
  const ci = runFixture({ MAIL_AGENT_TEST_WITHOUT: 'mount', CI: 'true' }, 'needs-mount.ts$');
  assert.is(ci.code, 1, ci.out);
  assert.match(ci.out, 'mount (needs root, to mount a small tmpfs; run the tests as root, as .ci/run does) is missing; CI=true requires it');
});

test('every package .ci/run installs is one a tool names, and the reverse', async () => {
  const { toolSpecs } = await import('./tools.ts');
  const named = new Set(Object.values(toolSpecs).flatMap((spec) => ('pkg' in spec ? [spec.pkg] : [])));
  for (const pkg of ciPackages()) if (pkg !== 'binutils') assert.ok(named.has(pkg), `${pkg} has no tool in test/helpers/tools.ts`);
  for (const pkg of named) assert.ok(ciPackages().includes(pkg), `${pkg} is not in .ci/apt-packages`);
});

test.run();
