// `npm run bench [-- --quick] [-- --runs N]`: builds the agent, runs every benchmark one after another (never
// two at a time, so they do not measure each other), N times over (the table shows medians and each
// headline's spread), and gathers the headline figures into bench/results/latest.json
// and a Markdown table (bench/results/latest.md, also put into docs/performance.md, "The latest run").
// Full < 9 min (the throttling run alone takes 200 s of the sandbox's allowed rate), --quick < 90 s.
import { spawn } from 'node:child_process';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { medianFigures, spreadMarkdown, spreadOf } from './spread.ts';
import { figures, markdown, type Results } from './summary.ts';

const quick = process.argv.includes('--quick');
const runsAt = process.argv.indexOf('--runs');
const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 1;
if (!Number.isInteger(runs) || runs < 1) throw new Error('bench: --runs takes a whole number of runs, 1 or more');
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const results = path.join(repo, 'bench/results');

interface Step {
  name: string;
  /** Arguments after `node`; run from the repository root. */
  args: string[];
  env?: Record<string, string>;
  /** The script that must exist for the step to run (the throughput benchmark may not be merged yet). */
  script: string;
  timeoutMs: number;
}

const tsx = ['--import', 'tsx'];
// Full: 30 changes and 30 invalid files, 5 cold starts, a 60 s idle window. Quick: fewer, shorter.
const steps: Step[] = [
  { name: 'validate', script: 'bench/validate.ts', args: [...tsx, 'bench/validate.ts'], timeoutMs: 60_000 },
  { name: 'sandbox', script: 'bench/sandbox.ts', args: [...tsx, 'bench/sandbox.ts', ...(quick ? ['1', '2', '1'] : ['3', '3'])], timeoutMs: 120_000 },
  { name: 'reconcile', script: 'bench/reconcile.ts', args: [...tsx, 'bench/reconcile.ts', ...(quick ? ['8', '5', '2'] : ['30', '60', '5'])], timeoutMs: 180_000 },
  { name: 'throughput', script: 'bench/throughput.ts', args: [...tsx, 'bench/throughput.ts', ...(quick ? ['1', '200'] : [])], timeoutMs: 180_000 },
  { name: 'smtp-in', script: 'bench/smtp-in.ts', args: [...tsx, 'bench/smtp-in.ts', ...(quick ? ['1', '200'] : ['3', '600'])], timeoutMs: 300_000 },
  // 2,000 at 600/min take 200 s on the sandbox's clock; quick: 200 (20 s).
  { name: 'throttle', script: 'bench/throttle.ts', args: [...tsx, 'bench/throttle.ts', ...(quick ? ['200'] : ['2000'])], timeoutMs: 600_000 },
  { name: 'graph', script: 'bench/graph.ts', args: [...tsx, 'bench/graph.ts', ...(quick ? ['8', '2', '3'] : ['30', '5', '20'])], timeoutMs: 240_000 },
];

function run(command: string, args: string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, ...env } });
    const timer = setTimeout(() => { child.kill('SIGTERM'); }, timeoutMs);
    child.once('error', reject);
    child.once('exit', (code, signal) => { clearTimeout(timer); resolve(code ?? (signal ? 128 : 1)); });
  });
}

const exists = (file: string) => access(file).then(() => true, () => false);
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

const started = performance.now();
console.error(`bench: building dist/ (npm run build)${quick ? ', quick mode' : ''}`);
if ((await run('npm', ['run', 'build', '--silent'])) !== 0) throw new Error('bench: npm run build failed');

const read = async (name: string): Promise<unknown> => {
  try { return JSON.parse(await readFile(path.join(results, `${name}.json`), 'utf8')) as unknown; } catch { return undefined; }
};

/** One pass over every benchmark, and the headline figures it produced. */
async function runOnce(pass: number): Promise<{ ran: Results['ran']; figures: ReturnType<typeof figures> }> {
  const ran: Results['ran'] = {};
  for (const step of steps) {
    if (!(await exists(path.join(repo, step.script)))) {
      ran[step.name] = { status: 'pending', reason: `${step.script} does not exist yet` };
      continue;
    }
    const before = load();
    const t0 = performance.now();
    console.error(`bench: ${runs > 1 ? `run ${pass}/${runs}: ` : ''}${step.name} (load ${before})`);
    const code = await run(process.execPath, step.args, step.env, step.timeoutMs);
    ran[step.name] = { status: code === 0 ? 'ok' : 'failed', seconds: Math.round((performance.now() - t0) / 100) / 10, loadBefore: before, loadAfter: load() };
  }
  const ok = (name: string) => ran[name]?.status === 'ok';
  const gathered: Results = {
    ran,
    validate: ok('validate') ? await read('validate') : undefined,
    sandbox: ok('sandbox') ? await read('sandbox') : undefined,
    reconcile: ok('reconcile') ? await read('reconcile') : undefined,
    throughput: ok('throughput') ? await read('throughput') : undefined,
    smtpIn: ok('smtp-in') ? await read('smtp-in') : undefined,
    throttle: ok('throttle') ? await read('throttle') : undefined,
    graph: ok('graph') ? await read('graph') : undefined,
  };
  return { ran, figures: figures(gathered, quick) };
}

// Runs go round all the benchmarks in turn (not 5 × each in a row), so a change in the machine's conditions
// lands on every benchmark alike.
const passes: Awaited<ReturnType<typeof runOnce>>[] = [];
for (let pass = 1; pass <= runs; pass++) passes.push(await runOnce(pass));
const perRun = passes.map((p) => p.figures);
const spread = spreadOf(perRun);
const latest = {
  at: new Date().toISOString(), mode: quick ? 'quick' : 'full', node: process.version, cpus: cpus().length,
  loadAverage: load(), totalSeconds: Math.round((performance.now() - started) / 1000), runs,
  ...medianFigures(perRun, spread),
  ...(runs > 1 ? { spread, perRun } : {}),
  ran: passes.map((p) => p.ran),
};
const table = markdown(latest) + (runs > 1 ? '\n' + spreadMarkdown(spread, runs) : '');
await mkdir(results, { recursive: true });
await writeFile(path.join(results, 'latest.json'), JSON.stringify(latest, null, 2) + '\n');
await writeFile(path.join(results, 'latest.md'), table);
await updatePerformanceDoc(table);
console.log(table);

/** docs/performance.md shows the latest table, between its markers (the README points there). */
async function updatePerformanceDoc(table: string): Promise<void> {
  const doc = path.join(repo, 'docs/performance.md');
  const text = await readFile(doc, 'utf8');
  const begin = '<!-- bench:latest -->';
  const end = '<!-- /bench:latest -->';
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from < 0 || to < from) return;
  await writeFile(doc, text.slice(0, from + begin.length) + '\n' + table.trim() + '\n' + text.slice(to));
}
