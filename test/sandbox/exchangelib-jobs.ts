// Test support (not a test): exchangelib jobs against sandboxes. One Python process runs every job
// (importing exchangelib takes seconds) against the sandbox its scenario set up; each scenario's results
// come back in the order of its jobs.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Test } from 'uvu';
import type { SandboxOptions } from '../../agent/sandbox/index.ts';
import { buildDirectory } from '../../agent/sandbox/users.ts';
import { repoRoot, type TestSandbox } from './helpers.ts';

const run = promisify(execFile);
const SCRIPT = path.join(repoRoot, 'test/sandbox/exchangelib_client.py');

/** The one mailbox account the jobs sign in as, and the sandbox directory that holds it. */
export const ACCOUNT = { username: 'CORP\\agent', password: 'S3cret!', email: 'agent@corp.test' };
export const directory = buildDirectory({ users: [ACCOUNT] });

/** What exchangelib_client.py is asked to do (auth, subject, …), on top of the account and the sandbox. */
export type Job = Record<string, string | boolean>;
/** `jobs` may be made once the sandbox runs (a job that needs something of it, e.g. a token it signed). */
export interface Scenario { options: Partial<SandboxOptions>; jobs: Job[] | ((sb: TestSandbox) => Promise<Job[]>) }

/** Starts each scenario's sandbox with `start`, runs all the jobs, and adds each scenario's results to `results`. */
export async function runScenarios<R extends { ok: boolean; error?: string }>(scenarios: Record<string, Scenario>, results: Map<string, R[]>,
  start: (name: string, options: Partial<SandboxOptions>) => Promise<TestSandbox>): Promise<void> {
  const jobs: Array<[string, Job]> = [];
  for (const [name, scenario] of Object.entries(scenarios)) {
    const sb = await start(name, scenario.options);
    const base = { url: sb.url, ca: sb.caPath ?? '', username: ACCOUNT.username, password: ACCOUNT.password, email: ACCOUNT.email, to: 'ops@example.test' };
    for (const job of typeof scenario.jobs === 'function' ? await scenario.jobs(sb) : scenario.jobs) jobs.push([name, { ...base, ...job }]);
  }
  const { stdout } = await run('/usr/bin/python3', [SCRIPT, JSON.stringify(jobs.map(([, job]) => job))], { timeout: 120_000 });
  const out = JSON.parse(stdout.trim().split('\n').at(-1) ?? '[]') as R[];
  jobs.forEach(([name], i) => results.set(name, [...(results.get(name) ?? []), out[i] ?? ({ ok: false, error: 'NoResult' } as R)]));
}

/** The before hook starts a sandbox per scenario with `open` (which keeps what the tests watch beside it) and
 *  runs the jobs; the after hook removes the sandboxes. `box(name)`: a scenario's sandbox, once started. */
export function scenarioHooks<B extends { sb: TestSandbox }, R extends { ok: boolean; error?: string }>(test: Test, scenarios: Record<string, Scenario>,
  open: (options: Partial<SandboxOptions>) => Promise<B>): { box: (name: string) => B; results: Map<string, R[]> } {
  const boxes = new Map<string, B>();
  const results = new Map<string, R[]>();
  test.before(async () => {
    await runScenarios(scenarios, results, async (name, options) => {
      const box = await open(options);
      boxes.set(name, box);
      return box.sb;
    });
  });
  test.after(async () => {
    for (const { sb } of boxes.values()) await sb.cleanup();
  });
  return {
    results,
    box: (name) => {
      const found = boxes.get(name);
      if (!found) throw new Error(`no sandbox ${name}`);
      return found;
    },
  };
}
