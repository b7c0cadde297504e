// `npm test`: each test file in its own uvu process, as many at a time as the machine has cores (`--jobs N`),
// except files that share a folder outside their temp dirs, which run one after another; `--script NAME`
// runs `npm run NAME` (the type-check, the lint) among them. Each one's output is printed whole when it
// ends; the run ends with the failures, the totals, the slowest and ONE summary of the cross-checks that
// could not run here (test/helpers/tools.ts). The files that run the shipped build (dist/: the shipped-build
// test, and every file that imports test/helpers/shipped.ts, directly or through a helper) start only once
// dist/ is the build of these sources by this Node: when it is not, `npm run build` runs first among the
// tasks and those files wait for it (the others do not), so they run what a user would run.
//
//   node --import tsx test/runner.ts [dir] [pattern] [--script NAME]… [--jobs N] [--timeout SECONDS] [--no-build]
//
// dir and pattern are uvu's (a case-insensitive regular expression on the path under dir).
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs, stripVTControlCharacters } from 'node:util';
import { currentStamp, readStamp, repoRoot, staleness } from '../scripts/build-stamp.ts';
import { checkedStampVariable } from './helpers/shipped-stamp.ts';
import { notRunDirVariable, notRunSummary, readNotRun } from './helpers/tools.ts';

/** The test file that checks dist/ itself; the others that run it import this helper. */
const distTests = /^test\/build\/shipped-build\.test\.ts$/;
const shippedHelper = 'test/helpers/shipped.ts';

/** Tasks that share something outside their own temp dirs: each group's run one after another, in the
 *  order they are given (the scripts first, then the files). */
export const sharedBetweenTasks: readonly { tasks: RegExp; what: string }[] = [
  // wine.ts: one Wine prefix in node_modules/.cache, native/build, and the prefix's default mail client
  // (useProvider switches it for the whole prefix).
  { tasks: /^test\/mapi\//, what: 'the Wine prefix and native/build' },
];

/** A test file's path, or `npm run NAME`. */
type Task = string;
const scriptTask = (name: string): Task => `npm run ${name}`;
const isScript = (task: Task) => task.startsWith('npm run ');

export interface Unit {
  /** Run one after another, in this order. */
  tasks: Task[];
  expectedMs: number;
  /** A task that must have ended before this unit starts (the build, for the files that run dist/). */
  after?: Task;
}

export interface TaskResult {
  task: Task;
  ok: boolean;
  ms: number;
  output: string;
  /** uvu's counts, when it got as far as printing them. */
  total?: number;
  passed?: number;
  skipped?: number;
  /** Why it failed when uvu's own report does not say (a signal, the timeout). */
  note?: string;
}

const uvuBin = path.join(repoRoot, 'node_modules/uvu/bin.js');
/** Each file's time in the last run, to start the long ones first. */
const timingsFile = process.env.MAIL_AGENT_TEST_TIMINGS ?? path.join(repoRoot, 'node_modules/.cache/mail-agent-tests/durations.json');

/** uvu's file discovery: every file under `dir` whose path relative to it matches `pattern`. */
export async function findTestFiles(dir: string, pattern: RegExp): Promise<string[]> {
  const found: string[] = [];
  const walk = async (relative: string): Promise<void> => {
    for (const entry of await readdir(path.join(dir, relative), { withFileTypes: true })) {
      const name = path.join(relative, entry.name);
      if (/^\.git|node_modules/i.test(name)) continue;
      if (entry.isDirectory()) await walk(name);
      else if (pattern.test(name)) found.push(path.relative(repoRoot, path.join(dir, name)).split(path.sep).join('/'));
    }
  };
  await walk('');
  return found.sort();
}

/** The relative imports of a TypeScript file, resolved against it (repository paths). */
function relativeImports(file: string, text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom|\bimport\(?)\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
    found.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1]!)));
  }
  return found;
}

/** The test files that run dist/: the shipped-build test, and those that import test/helpers/shipped.ts,
 *  directly or through other files under test/. */
export async function filesRunningDist(files: readonly string[]): Promise<Set<string>> {
  const imports = new Map<string, string[]>();
  const importsOf = async (file: string): Promise<string[]> => {
    let known = imports.get(file);
    if (!known) {
      const text = await readFile(path.join(repoRoot, file), 'utf8').catch(() => '');
      known = relativeImports(file, text).filter((f) => f.startsWith('test/'));
      imports.set(file, known);
    }
    return known;
  };
  const reaches = new Map<string, boolean>();
  const reachesHelper = async (file: string, seen: Set<string>): Promise<boolean> => {
    if (file === shippedHelper) return true;
    const known = reaches.get(file);
    if (known !== undefined) return known;
    if (seen.has(file)) return false;
    seen.add(file);
    let found = false;
    for (const next of await importsOf(file)) if (await reachesHelper(next, seen)) { found = true; break; }
    reaches.set(file, found);
    return found;
  };
  const out = new Set<string>();
  for (const file of files) if (distTests.test(file) || await reachesHelper(file, new Set())) out.add(file);
  return out;
}

/** Groups the tasks that must not overlap, and orders the units longest first (by the last run's times;
 *  a task not timed yet goes first), so that the last to finish are short ones; a task others wait for
 *  (`after`: the build) goes before all. */
export function planUnits(tasks: readonly Task[], lastMs: Readonly<Record<string, number>>, after: ReadonlyMap<Task, Task> = new Map()): Unit[] {
  const groups = new Map<string, Task[]>();
  for (const task of tasks) {
    const shared = sharedBetweenTasks.find((s) => s.tasks.test(task));
    const key = shared ? shared.what : task;
    groups.set(key, [...(groups.get(key) ?? []), task]);
  }
  const awaited = new Set(after.values());
  const expected = (task: Task) => lastMs[task] ?? Number.MAX_SAFE_INTEGER / 1000;
  return [...groups.values()]
    .map((group): Unit => {
      const dependency = group.map((task) => after.get(task)).find((t) => t !== undefined);
      return { tasks: group, expectedMs: group.reduce((sum, task) => sum + expected(task), 0), ...(dependency ? { after: dependency } : {}) };
    })
    .sort((a, b) => Number(b.tasks.some((t) => awaited.has(t))) - Number(a.tasks.some((t) => awaited.has(t)))
      || b.expectedMs - a.expectedMs || a.tasks[0]!.localeCompare(b.tasks[0]!));
}

/** uvu's closing counts from a file's output. */
export function uvuCounts(output: string): Pick<TaskResult, 'total' | 'passed' | 'skipped'> {
  const plain = stripVTControlCharacters(output);
  const count = (label: string) => {
    const m = new RegExp(`^\\s*${label}:\\s+(\\d+)`, 'm').exec(plain);
    return m ? Number(m[1]) : undefined;
  };
  return { total: count('Total'), passed: count('Passed'), skipped: count('Skipped') };
}

interface RunOptions { color: boolean; timeoutMs: number; env: NodeJS.ProcessEnv }

const running = new Set<number>();

/** `npm` as this Node runs it: the npm that started us when it did. */
function npmCommand(args: string[]): [string, string[]] {
  const cli = process.env.npm_execpath;
  return cli && /\.[cm]?js$/.test(cli) ? [process.execPath, [cli, ...args]] : ['npm', args];
}

function taskCommand(task: Task, color: boolean): [string, string[]] {
  if (isScript(task)) return npmCommand(task.split(' ').slice(1));
  return [process.execPath, ['--import', 'tsx', uvuBin, path.dirname(task), `^${path.basename(task).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, '--color', String(color)]];
}

/** One task in its own process (and process group, so that a timeout ends what it started too). */
function runTask(task: Task, options: RunOptions): Promise<TaskResult> {
  const started = Date.now();
  const [command, args] = taskCommand(task, options.color);
  const child = spawn(command, args, { cwd: repoRoot, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  running.add(child.pid!);
  let output = '';
  const collect = (chunk: Buffer) => { output += chunk.toString('utf8'); };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; killGroup(child.pid!); }, options.timeoutMs);
  return new Promise((resolve) => {
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child.pid!);
      const counts = isScript(task) ? {} : uvuCounts(output);
      const reported = isScript(task) || counts.total !== undefined;
      const note = timedOut ? `timed out after ${options.timeoutMs / 1000} s` : signal ? `ended by ${signal}` : reported ? undefined : `exit ${code}, no uvu report`;
      resolve({ task, ok: code === 0 && !timedOut && reported, ms: Date.now() - started, output, ...counts, note });
    });
  });
}

function killGroup(pid: number): void {
  try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ }
}

/** Runs the units `jobs` at a time, each once the task it waits for (if any) has ended, in queue order among
 *  those ready; `report` sees each task as it ends. */
export async function runUnits(units: readonly Unit[], jobs: number, options: RunOptions, report: (result: TaskResult) => void,
  run: (task: Task, options: RunOptions) => Promise<TaskResult> = runTask): Promise<TaskResult[]> {
  const queue = [...units];
  const results: TaskResult[] = [];
  const planned = new Set(units.flatMap((u) => u.tasks));
  const ended = new Set<Task>();
  const signal = () => { let resolve!: () => void; const promise = new Promise<void>((r) => { resolve = r; }); return { promise, resolve }; };
  let ending = signal();
  const ready = (unit: Unit) => unit.after === undefined || ended.has(unit.after) || !planned.has(unit.after);
  const worker = async () => {
    while (queue.length > 0) {
      const index = queue.findIndex(ready);
      if (index < 0) {
        await ending.promise; // the units left wait for a task another worker is running
        continue;
      }
      const [unit] = queue.splice(index, 1);
      for (const task of unit!.tasks) {
        const result = await run(task, options);
        results.push(result);
        ended.add(task);
        report(result);
        const wake = ending;
        ending = signal();
        wake.resolve();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, units.length)) }, worker));
  return results;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function header(result: TaskResult, done: number, all: number): string {
  const counts = result.passed === undefined ? '' : `${result.passed}/${result.total} passed${result.skipped ? `, ${result.skipped} skipped` : ''}, `;
  return `── [${done}/${all}] ${result.ok ? 'ok' : 'FAILED'} ${result.task} (${counts}${seconds(result.ms)})${result.note ? `: ${result.note}` : ''}`;
}

async function readTimings(): Promise<Record<string, number>> {
  try {
    return JSON.parse(await readFile(timingsFile, 'utf8')) as Record<string, number>;
  } catch {
    return {};
  }
}

async function saveTimings(previous: Record<string, number>, results: readonly TaskResult[]): Promise<void> {
  const next = { ...previous };
  for (const r of results) if (r.ok) next[r.task] = r.ms;
  await mkdir(path.dirname(timingsFile), { recursive: true });
  await writeFile(timingsFile, JSON.stringify(next, null, 2) + '\n');
}



async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: { script: { type: 'string', multiple: true, default: [] }, jobs: { type: 'string', short: 'j' }, timeout: { type: 'string', default: '900' }, 'no-build': { type: 'boolean', default: false } },
  });
  const [dir = 'test', pattern = '\\.test\\.ts$'] = positionals;
  const jobs = Number(values.jobs ?? process.env.MAIL_AGENT_TEST_JOBS ?? availableParallelism());
  if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`--jobs: a whole number of processes, not ${values.jobs}`);
  const started = Date.now();
  const files = await findTestFiles(path.resolve(repoRoot, dir), new RegExp(pattern, 'i'));
  if (files.length === 0) throw new Error(`no test files under ${dir} match ${pattern}`);
  const runningDist = await filesRunningDist(files);
  const sources = runningDist.size > 0 ? await currentStamp() : undefined;
  const stale = values['no-build'] || !sources ? undefined : staleness(await readStamp(path.join(repoRoot, 'dist')), sources);
  if (stale) console.log(`${stale}: npm run build runs first among the tasks; the files that run dist/ (${runningDist.size}) wait for it`);
  const scripts = [...values.script, ...(stale ? ['build'] : [])];
  const tasks = [...scripts.map(scriptTask), ...files];
  const previous = await readTimings();
  const units = planUnits(tasks, previous, new Map(stale ? [...runningDist].map((file) => [file, scriptTask('build')]) : []));
  const notRunDir = await mkdtemp(path.join(tmpdir(), 'mail-agent-not-run-'));
  const stop = (signal: NodeJS.Signals) => {
    for (const pid of running) killGroup(pid);
    process.kill(process.pid, signal);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  console.log(`${files.length} test files${scripts.length ? ` and npm run ${scripts.join(', ')}` : ''}, ${Math.min(jobs, units.length)} at a time (Node ${process.version})`);
  let done = 0;
  const env = { ...process.env, [notRunDirVariable]: notRunDir, ...(sources ? { [checkedStampVariable]: sources.sources } : {}) };
  const results = await runUnits(units, jobs, { color: process.stdout.isTTY === true, timeoutMs: Number(values.timeout) * 1000, env }, (result) => {
    process.stdout.write(`${header(result, ++done, tasks.length)}\n${result.output.trimEnd()}\n\n`);
  });
  const notRun = readNotRun(notRunDir);
  await rm(notRunDir, { recursive: true, force: true });
  await saveTimings(previous, results);

  const failed = results.filter((r) => !r.ok).sort((a, b) => a.task.localeCompare(b.task));
  const sum = (key: 'total' | 'passed' | 'skipped') => results.reduce((n, r) => n + (r[key] ?? 0), 0);
  const slowest = [...results].sort((a, b) => b.ms - a.ms).slice(0, 5).map((r) => `${r.task} ${seconds(r.ms)}`);
  const fileResults = results.filter((r) => !isScript(r.task));
  const lines = [
    ...scripts.map((name) => `npm run ${name}: ${results.find((r) => r.task === scriptTask(name))?.ok ? 'passed' : 'FAILED'}.`),
    `Files: ${fileResults.filter((r) => r.ok).length}/${fileResults.length} passed. Tests: ${sum('passed')}/${sum('total')} passed${sum('skipped') ? `, ${sum('skipped')} skipped` : ''}.`,
    `Wall time ${seconds(Date.now() - started)} with ${Math.min(jobs, units.length)} at a time on Node ${process.version}; slowest: ${slowest.join(', ')}.`,
  ];
  if (failed.length > 0) lines.push('FAILED:', ...failed.map((r) => `  ${r.task}${r.note ? ` (${r.note})` : ''}`));
  const summary = notRunSummary(notRun);
  process.stdout.write(`${lines.join('\n')}\n${summary ? `${summary}\n` : ''}`);
  return failed.length > 0 ? 1 : 0;
}

if (import.meta.filename === path.resolve(process.argv[1] ?? '')) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
  });
}
