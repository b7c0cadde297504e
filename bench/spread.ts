// The spread of repeated `npm run bench -- --runs N`: each run's headline figures (bench/summary.ts) are
// kept, the table shows their medians, and a second table shows each headline's min, median and max over
// the runs — one run's figure on a shared 2-core machine says little on its own.
type Json = { [key: string]: unknown };

/** Every numeric leaf of a figures object, by its dotted path. */
export function leaves(value: unknown, prefix = '', into = new Map<string, number>()): Map<string, number> {
  if (typeof value === 'number' && Number.isFinite(value)) into.set(prefix, value);
  else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value as Json)) leaves(child, prefix ? `${prefix}.${key}` : key, into);
  }
  return into;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const m = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  // Six significant digits: a ratio like 0.996 must not round up past its own maximum.
  return Number(m.toPrecision(6));
}

export interface Spread { runs: number; min: number; median: number; max: number }

/** Per path: min / median / max over the runs that measured it. */
export function spreadOf(runs: unknown[]): Record<string, Spread> {
  const byPath = new Map<string, number[]>();
  for (const run of runs) for (const [p, v] of leaves(run)) byPath.set(p, [...(byPath.get(p) ?? []), v]);
  return Object.fromEntries([...byPath].map(([p, xs]) => [p, { runs: xs.length, min: Math.min(...xs), median: median(xs), max: Math.max(...xs) }]));
}

/** The fullest run's shape with every numeric leaf replaced by its median over the runs (`spread`: spreadOf(runs)). */
export function medianFigures<T>(runs: T[], spread: Record<string, Spread> = spreadOf(runs)): T {
  const walk = (value: unknown, prefix: string): unknown => {
    if (typeof value === 'number') return spread[prefix]?.median ?? value;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    return Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, walk(v, prefix ? `${prefix}.${k}` : k)]));
  };
  // A run where a benchmark failed has nulls there: take the shape from a run that has the most figures.
  const fullest = [...runs].sort((a, b) => leaves(b).size - leaves(a).size)[0]!;
  return walk(fullest, '') as T;
}

/** The headlines whose spread the table shows (the JSON keeps every figure's). */
const headlines: [string, string][] = [
  ['reconcile.p50Ms', 'reconcile p50, ms'], ['reconcile.p95Ms', 'reconcile p95, ms'], ['reconcile.agentCpuMsPerChange', 'reconcile, agent CPU per change, ms'],
  ['reject.p50Ms', 'reject p50, ms'], ['coldStartMs', 'cold start, ms'],
  ['idle.cpuPercent', 'idle CPU, %'], ['idle.rssMB', 'idle RSS, MB'],
  ['throughput.agentPerSec', 'throughput, agent /s'], ['throughput.exchangelibPerSec', 'throughput, exchangelib /s'],
  ['throughput.agentOverExchangelib', 'agent ÷ exchangelib'], ['throughput.agentOverNaive', 'agent ÷ plain ews-javascript-api'],
  ['throttle.ratioToAllowed', 'throttled: delivery rate ÷ allowed'], ['throttle.duplicates', 'throttled: duplicates'], ['throttle.insideBackoff', 'throttled: requests inside back-off'],
  ['validate.msPerFile', 'validate, ms per file'],
  ['graph.p50Ms', 'Graph reconcile p50, ms'], ['graph.ewsP50Ms', '… EWS in the same run, ms'], ['graph.coldStartMs', 'Graph cold start, ms'], ['graph.idleRssMB', 'Graph RSS, MB'],
  ['sandbox.reqPerSec', 'sandbox requests/s'], ['smtpIn.acceptedPerSec', 'SMTP in, accepted /s'], ['smtpIn.acceptedOverDirect', 'SMTP in ÷ the sandbox\'s own port'],
];

export function spreadMarkdown(spread: Record<string, Spread>, runs: number): string {
  const rows = headlines.filter(([p]) => spread[p]).map(([p, label]) => {
    const s = spread[p]!;
    const width = s.median === 0 ? '' : ` (±${Math.round(((s.max - s.min) / 2 / Math.abs(s.median)) * 100)} %)`;
    return `| ${label} | ${s.min} | ${s.median} | ${s.max}${width} | ${s.runs} |`;
  });
  return [
    `Spread over ${runs} runs (each run's figure is itself a median or percentile over its repetitions):`,
    '',
    '| figure | min | median | max | runs |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
