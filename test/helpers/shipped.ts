// The shipped build: `mail-agent` as users run it, dist/agent/cli/bin.js (bundles, code caches and all) run by
// the Node running the tests. The end-to-end tests of the CLI (run, send, status --wait, test, sandbox,
// start-demo) start it through here, so a bundling or code-cache fault fails them too.
//
// Importing this module checks that dist/ is the build of these sources by this Node (scripts/build-stamp.ts)
// and refuses to go on otherwise: `npm test` (test/runner.ts) rebuilds a stale dist/ before any file that
// imports this one starts; a file run alone says to run `npm run build`.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { currentStamp, readStamp, staleness } from '../../scripts/build-stamp.ts';
import { repoRoot, spawnNode, type Child, type SpawnOptions } from './child.ts';
import { checkedStampVariable } from './shipped-stamp.ts';

export const distDir = path.join(repoRoot, 'dist');
export const shippedBin = path.join(distDir, 'agent/cli/bin.js');

async function distIsCurrent(): Promise<string | undefined> {
  const found = await readStamp(distDir);
  const checked = process.env[checkedStampVariable];
  if (checked !== undefined && found?.node === process.version && found.sources === checked) return undefined;
  return staleness(found, await currentStamp());
}

const stale = await distIsCurrent();
if (stale) throw new Error(`${stale}: these tests run the shipped build (dist/agent/cli/bin.js); run npm run build first (npm test does it when dist/ is stale)`);

/** `mail-agent …` from dist/, as a long-running child (the agent, the sandbox, start-demo). */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}, options: SpawnOptions = {}): Child {
  return spawnNode([shippedBin, ...args], env, options);
}

/** `mail-agent …` from dist/, run to its end: exit code, stdout and stderr. */
export async function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<{ code: number; out: string; err: string }> {
  const child = spawn(process.execPath, [shippedBin, ...args], { cwd: options.cwd ?? repoRoot, env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString('utf8'); });
  child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString('utf8'); });
  child.stdin.end(options.input ?? '');
  const [code, signal] = await once(child, 'close') as [number | null, NodeJS.Signals | null];
  return { code: code ?? -1, out: out + (signal ? `(ended by ${signal})\n` : ''), err };
}
