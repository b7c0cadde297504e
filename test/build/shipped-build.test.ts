// What users run is the build (`npm run build` → dist/), not the sources tsx runs for the other tests: this
// file runs dist/agent/cli/bin.js with the Node running the suite (.ci/run runs it on each supported Node),
// so a bundling fault or a code cache this Node rejects fails the suite. The test runner (test/runner.ts)
// runs `npm run build` before this file when dist/ is stale.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { currentStamp, readStamp, staleness } from '../../scripts/build-stamp.ts';
import { vendorFiles } from '../../scripts/vendor-bundles.ts';
import { vendored } from '../../scripts/vendor-packages.ts';
import type { LoadedBundle } from '../../agent/vendor/script-bundle.ts';
import { repoRoot } from '../helpers/child.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait.ts';

const dist = path.join(repoRoot, 'dist');
const bin = path.join(dist, 'agent/cli/bin.js');
const password = 'sandbox'; // the sandbox's built-in account (docs/sandbox.md)

interface Shipped {
  output(): string;
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

/** `mail-agent …` from dist/, by this Node. */
function shipped(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string }): Shipped & { stdout: NodeJS.ReadableStream } {
  const child = spawn(process.execPath, [bin, ...args], { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
  child.stdin.end(options.input ?? '');
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return {
    stdout: child.stdout,
    output: () => output,
    exited,
    stop: () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM'); return exited; },
  };
}

/** Runs a command to its end: exit code and everything it printed. */
async function command(args: string[], options: Parameters<typeof shipped>[1]): Promise<{ code: number | null; out: string }> {
  const run = shipped(args, options);
  let out = '';
  run.stdout.on('data', (chunk: Buffer) => { out += chunk.toString('utf8'); });
  const code = await run.exited;
  return { code, out: out + run.output() };
}

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
  const env = { MAIL_AGENT_PASSWORD: password };
  const sandbox = shipped(['sandbox', '--port', '0', '--data-dir', '.sandbox', '-o', 'json'], { cwd: dir.path });
  let agent: Shipped | undefined;
  try {
    const ready = await createInterface({ input: sandbox.stdout })[Symbol.asyncIterator]().next();
    const { url } = JSON.parse(String(ready.value)) as { url: string };
    // config.example.yaml as shipped: its caFile is .sandbox/ca.pem beside it; only the port differs.
    const example = await readFile(path.join(repoRoot, 'config.example.yaml'), 'utf8');
    assert.ok(example.includes('https://localhost:8443/EWS/Exchange.asmx'));
    const settings = path.join(dir.path, 'config.yaml');
    await writeFile(settings, example.replace('https://localhost:8443/EWS/Exchange.asmx', url));

    agent = shipped(['run', '--config', 'config.yaml', '--state-dir', 'state', '--log-format', 'json'], { cwd: dir.path, env });
    const converged = await command(['status', '--status', 'state/status.json', '--wait', '--for-file', 'config.yaml', '--timeout', '60s'], { cwd: dir.path });
    assert.is(converged.code, 0, converged.out + agent.output());

    const subject = `from the shipped build on ${process.version}`;
    const sent = await command(['send', '--state-dir', 'state', '--to', 'ops@sandbox.test', '--subject', subject, '--body', '-'], { cwd: dir.path, input: 'It works.\n' });
    assert.is(sent.code, 0, sent.out);
    const deliveries = path.join(dir.path, '.sandbox/deliveries.jsonl');
    await waitFor(async () => (await readFile(deliveries, 'utf8').catch(() => '')).includes(JSON.stringify(subject)), 'the notification in the sandbox', 30_000);

    const tested = await command(['test', '--config', 'config.yaml', '--to', 'ops@sandbox.test'], { cwd: dir.path, env });
    assert.is(tested.code, 0, tested.out);
    const subjects = (await readFile(deliveries, 'utf8')).split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { subject: string }).subject);
    assert.is(subjects.filter((s) => s.startsWith('mail-agent test from')).length, 2, 'the agent\'s test message and the test command\'s');
    assert.is(subjects.filter((s) => s === subject).length, 1);

    assert.is(await agent.stop(), 0, agent.output());
    assert.is(await sandbox.stop(), 0, sandbox.output());
  } finally {
    await agent?.stop();
    await sandbox.stop();
    await dir.cleanup();
  }
});

test.run();
