// `npm test`'s test step: each test file in its own uvu process, as many at a time as the machine has cores
// (`--jobs N`), except files that share a folder outside their temp dirs, which run one after another.
// Each file's output is printed whole when it ends; the run ends with the failed files, the totals, the
// slowest files and ONE summary of the cross-checks that could not run here (test/helpers/tools.ts).
// Before the tests: dist/ is rebuilt when it is not the build of these sources by this Node, so the
// shipped-build test (test/build/shipped-build.test.ts) runs what a user would run.
//
//   node --import tsx scripts/test-files.ts [dir] [pattern] [--jobs N] [--timeout SECONDS] [--no-build]
//
// dir and pattern are uvu's (a case-insensitive regular expression on the path under dir).
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs, stripVTControlCharacters } from 'node:util';
import { notRunDirVariable, notRunSummary, readNotRun } from '../test/helpers/tools.ts';
import { currentStamp, readStamp, repoRoot, staleness } from './build-stamp.ts';

/** Files that share something outside their own temp dirs: each group's files run one after another. */
export const sharedBetweenFiles: readonly { files: RegExp; what: string }[] = [
  // wine.ts: one Wine prefix in node_modules/.cache, native/build, and the prefix's default mail client
  // (useProvider switches it for the whole prefix).
  { files: /^test\/mapi\//, what: 'the Wine prefix and native/build' },
];

export interface Unit {
  /** Files run one after another, in this order. */
  files: string[];
  expectedMs: number;
}

export interface FileResult {
  file: string;
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

/** Groups the files that must not overlap, and orders the units longest first (by the last run's times;
 *  a file not timed yet goes first), so that the last to finish are short ones. */
export function planUnits(files: readonly string[], lastMs: Readonly<Record<string, number>>): Unit[] {
  const groups = new Map<string, string[]>();
  for (const file of files) {
    const shared = sharedBetweenFiles.find((s) => s.files.test(file));
    const key = shared ? shared.what : file;
    groups.set(key, [...(groups.get(key) ?? []), file]);
  }
  const expected = (file: string) => lastMs[file] ?? Number.MAX_SAFE_INTEGER / 1000;
  return [...groups.values()]
    .map((group) => ({ files: group, expectedMs: group.reduce((sum, file) => sum + expected(file), 0) }))
    .sort((a, b) => b.expectedMs - a.expectedMs || a.files[0]!.localeCompare(b.files[0]!));
}

/** uvu's closing counts from a file's output. */
export function uvuCounts(output: string): Pick<FileResult, 'total' | 'passed' | 'skipped'> {
  const plain = stripVTControlCharacters(output);
  const count = (label: string) => {
    const m = new RegExp(`^\\s*${label}:\\s+(\\d+)`, 'm').exec(plain);
    return m ? Number(m[1]) : undefined;
  };
  return { total: count('Total'), passed: count('Passed'), skipped: count('Skipped') };
}

interface RunFileOptions { color: boolean; timeoutMs: number; env: NodeJS.ProcessEnv }

const running = new Set<number>();

/** One file in its own uvu process (and process group, so that a timeout ends what it started too). */
function runFile(file: string, options: RunFileOptions): Promise<FileResult> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', uvuBin, path.dirname(file), `^${path.basename(file).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, '--color', String(options.color)], {
    cwd: repoRoot, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
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
      const counts = uvuCounts(output);
      const note = timedOut ? `timed out after ${options.timeoutMs / 1000} s` : signal ? `ended by ${signal}` : counts.total === undefined ? `exit ${code}, no uvu report` : undefined;
      resolve({ file, ok: code === 0 && !timedOut && counts.total !== undefined, ms: Date.now() - started, output, ...counts, note });
    });
  });
}

function killGroup(pid: number): void {
  try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ }
}

/** Runs the units `jobs` at a time; `report` sees each file as it ends. */
export async function runUnits(units: readonly Unit[], jobs: number, options: RunFileOptions, report: (result: FileResult) => void): Promise<FileResult[]> {
  const queue = [...units];
  const results: FileResult[] = [];
  const worker = async () => {
    for (let unit = queue.shift(); unit; unit = queue.shift()) {
      for (const file of unit.files) {
        const result = await runFile(file, options);
        results.push(result);
        report(result);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, units.length)) }, worker));
  return results;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function header(result: FileResult, done: number, all: number): string {
  const counts = result.total === undefined ? '' : `${result.passed}/${result.total} passed${result.skipped ? `, ${result.skipped} skipped` : ''}, `;
  return `── [${done}/${all}] ${result.ok ? 'ok' : 'FAILED'} ${result.file} (${counts}${seconds(result.ms)})${result.note ? `: ${result.note}` : ''}`;
}

async function readTimings(): Promise<Record<string, number>> {
  try {
    return JSON.parse(await readFile(timingsFile, 'utf8')) as Record<string, number>;
  } catch {
    return {};
  }
}

async function saveTimings(previous: Record<string, number>, results: readonly FileResult[]): Promise<void> {
  const next = { ...previous };
  for (const r of results) if (r.ok) next[r.file] = r.ms;
  await mkdir(path.dirname(timingsFile), { recursive: true });
  await writeFile(timingsFile, JSON.stringify(next, null, 2) + '\n');
}

/** `npm run build` when dist/ is not the build of the working tree by this Node. */
async function ensureBuilt(): Promise<void> {
  const dist = path.join(repoRoot, 'dist');
  const why = staleness(await readStamp(dist), await currentStamp());
  if (!why) return;
  console.log(`${why}: npm run build (with ${process.execPath})`);
  const npm = process.env.npm_execpath;
  const res = npm && /\.[cm]?js$/.test(npm)
    ? spawnSync(process.execPath, [npm, 'run', 'build'], { cwd: repoRoot, stdio: 'inherit' })
    : spawnSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'inherit' });
  if (res.status !== 0) throw new Error(`npm run build failed (${String(res.status ?? res.signal)})`);
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: { jobs: { type: 'string', short: 'j' }, timeout: { type: 'string', default: '900' }, 'no-build': { type: 'boolean', default: false } },
  });
  const [dir = 'test', pattern = '\\.test\\.ts$'] = positionals;
  const jobs = Number(values.jobs ?? process.env.MAIL_AGENT_TEST_JOBS ?? availableParallelism());
  if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`--jobs: a whole number of processes, not ${values.jobs}`);
  const started = Date.now();
  if (!values['no-build']) await ensureBuilt();
  const files = await findTestFiles(path.resolve(repoRoot, dir), new RegExp(pattern, 'i'));
  if (files.length === 0) throw new Error(`no test files under ${dir} match ${pattern}`);
  const previous = await readTimings();
  const units = planUnits(files, previous);
  const notRunDir = await mkdtemp(path.join(tmpdir(), 'mail-agent-not-run-'));
  const stop = (signal: NodeJS.Signals) => {
    for (const pid of running) killGroup(pid);
    process.kill(process.pid, signal);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  console.log(`${files.length} test files, ${Math.min(jobs, units.length)} at a time (Node ${process.version})`);
  let done = 0;
  const results = await runUnits(units, jobs, { color: process.stdout.isTTY === true, timeoutMs: Number(values.timeout) * 1000, env: { ...process.env, [notRunDirVariable]: notRunDir } }, (result) => {
    process.stdout.write(`${header(result, ++done, files.length)}\n${result.output.trimEnd()}\n\n`);
  });
  const notRun = readNotRun(notRunDir);
  await rm(notRunDir, { recursive: true, force: true });
  await saveTimings(previous, results);

  const failed = results.filter((r) => !r.ok).sort((a, b) => a.file.localeCompare(b.file));
  const sum = (key: 'total' | 'passed' | 'skipped') => results.reduce((n, r) => n + (r[key] ?? 0), 0);
  const slowest = [...results].sort((a, b) => b.ms - a.ms).slice(0, 5).map((r) => `${r.file} ${seconds(r.ms)}`);
  const lines = [
    `Files: ${results.length - failed.length}/${results.length} passed. Tests: ${sum('passed')}/${sum('total')} passed${sum('skipped') ? `, ${sum('skipped')} skipped` : ''}.`,
    `Wall time ${seconds(Date.now() - started)} with ${Math.min(jobs, units.length)} at a time on Node ${process.version}; slowest: ${slowest.join(', ')}.`,
  ];
  if (failed.length > 0) lines.push('FAILED:', ...failed.map((r) => `  ${r.file}${r.note ? ` (${r.note})` : ''}`));
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
