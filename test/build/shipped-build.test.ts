// What users run is the build (`npm run build` → dist/): this file checks that dist/ is the build of these
// sources by the Node running the suite (.ci/run runs it on each supported Node), that V8 takes every code
// cache, and runs dist/agent/cli/bin.js on the example settings as shipped, so a bundling fault or a code cache
// this Node rejects fails the suite. (The end-to-end tests run dist/ too, through test/helpers/shipped.ts.)
// The test runner (test/runner.ts) runs `npm run build` before this file and those when dist/ is stale.
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { currentStamp, readStamp, staleness } from '../../scripts/build-stamp.ts';
import { vendorFiles } from '../../scripts/vendor-bundles.ts';
import { vendored } from '../../scripts/vendor-packages.ts';
import type { LoadedBundle } from '../../agent/vendor/script-bundle.ts';
import { repoRoot, type Child } from '../helpers/child.ts';
import { distDir as dist, runCli, spawnCli } from '../helpers/shipped.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait.ts';

const password = 'sandbox'; // the sandbox's built-in account (docs/sandbox.md)

test('dist/ is the build of these sources by this Node', async () => {
  const why = staleness(await readStamp(dist), await currentStamp());
  assert.is(why, undefined, `${why}: run npm run build (npm test does when dist/ is stale)`);
});

test('V8 accepts every vendor bundle\'s code cache on this Node', () => {
  // In a fresh node, as the agent loads them: once each (a second load in one process would find the
  // script in V8's own compilation cache and tell nothing about the file).
  const require = createRequire(import.meta.url);
  const bundles = vendored.map((pkg) => ({ name: pkg.name, file: vendorFiles(dist, pkg.name).bundle, from: require.resolve(pkg.name) }));
  const script = `import { readFileSync } from 'node:fs';
import { runBundle } from ${JSON.stringify(pathToFileURL(path.join(dist, 'agent/vendor/script-bundle.js')).href)};
const bundles = ${JSON.stringify(bundles)};
console.log(JSON.stringify(Object.fromEntries(bundles.map((b) => [b.name, runBundle(b.file, readFileSync(b.file, 'utf8'), b.from).cache]))));`;
  const caches = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '--eval', script], { encoding: 'utf8' })) as Record<string, LoadedBundle['cache']>;
  for (const { name, file } of bundles) {
    assert.is(caches[name], 'accepted', `${path.relative(repoRoot, file)}: Node ${process.version} rejected its code cache (made by another Node, or damaged)`);
  }
});

test('the shipped CLI on the example settings: sandbox, run, status --wait, send, test', async () => {
  const dir = await tempDir('shipped');
  const cwd = dir.path; // relative paths, as a user in the folder would type them
  const env = { MAIL_AGENT_PASSWORD: password };
  const sandbox = spawnCli(['sandbox', '--port', '0', '--data-dir', '.sandbox', '-o', 'json'], {}, { cwd });
  let agent: Child | undefined;
  try {
    await sandbox.waitFor(/^\{"url".*\}$/m, 30_000);
    const { url } = JSON.parse(/^\{"url".*\}$/m.exec(sandbox.output())![0]) as { url: string };
    // config.example.yaml as shipped: its caFile is .sandbox/ca.pem beside it; only the port differs.
    const example = await readFile(path.join(repoRoot, 'config.example.yaml'), 'utf8');
    assert.ok(example.includes('https://localhost:8443/EWS/Exchange.asmx'));
    const settings = path.join(dir.path, 'config.yaml');
    await writeFile(settings, example.replace('https://localhost:8443/EWS/Exchange.asmx', url));

    agent = spawnCli(['run', '--config', 'config.yaml', '--state-dir', 'state', '--log-format', 'json'], env, { cwd });
    const converged = await runCli(['status', '--status', 'state/status.json', '--wait', '--for-file', 'config.yaml', '--timeout', '60s'], { cwd });
    assert.is(converged.code, 0, converged.out + converged.err + agent.output());

    const subject = `from the shipped build on ${process.version}`;
    const sent = await runCli(['send', '--state-dir', 'state', '--to', 'ops@sandbox.test', '--subject', subject, '--body', '-'], { cwd, input: 'It works.\n' });
    assert.is(sent.code, 0, sent.out + sent.err);
    const deliveries = path.join(dir.path, '.sandbox/deliveries.jsonl');
    await waitFor(async () => (await readFile(deliveries, 'utf8').catch(() => '')).includes(JSON.stringify(subject)), 'the notification in the sandbox', 30_000);

    const tested = await runCli(['test', '--config', 'config.yaml', '--to', 'ops@sandbox.test', '--state-dir', 'state'], { cwd, env });
    assert.is(tested.code, 0, tested.out + tested.err);
    const subjects = (await readFile(deliveries, 'utf8')).split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { subject: string }).subject);
    assert.is(subjects.filter((s) => s.startsWith('mail-agent test from')).length, 2, 'the agent\'s test message and the test command\'s');
    assert.is(subjects.filter((s) => s === subject).length, 1);

    assert.is(await agent.kill(), 0, agent.output());
    assert.is(await sandbox.kill(), 0, sandbox.output());
  } finally {
    await agent?.kill();
    await sandbox.kill();
    await dir.cleanup();
  }
});

test.run();
