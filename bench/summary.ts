// The headline figures of one `npm run bench` (bench/run.ts), read from each benchmark's result file, and
// their Markdown table for docs/performance.md. A benchmark that did not run leaves its figures `null` / pending.
export interface StepRun {
  status: 'ok' | 'failed' | 'pending';
  reason?: string;
  seconds?: number;
  loadBefore?: string;
  loadAfter?: string;
}

export interface Results {
  ran: Record<string, StepRun>;
  validate?: unknown;
  sandbox?: unknown;
  reconcile?: unknown;
  throughput?: unknown;
  smtpIn?: unknown;
  throttle?: unknown;
  graph?: unknown;
}

type Json = Record<string, unknown>;
const at = (value: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Json)[k] : undefined), value);
const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

export function figures(r: Results, quick: boolean) {
  const rec = r.reconcile;
  const sandboxOnDisk = (at(r.sandbox, 'servers') as Json[] | undefined)?.find((s) => String(s.name).includes('on disk'));
  const tp = r.throughput;
  return {
    reconcile: { p50Ms: num(at(rec, 'changeToReady', 'p50Ms')), p95Ms: num(at(rec, 'changeToReady', 'p95Ms')),
      minMs: num(at(rec, 'changeToReady', 'minMs')), maxMs: num(at(rec, 'changeToReady', 'maxMs')),
      n: num(at(rec, 'changeToReady', 'n')), agentCpuMsPerChange: num(at(rec, 'changeToReady', 'agentCpuMsPerChange')) },
    reject: { p50Ms: num(at(rec, 'invalidToRejected', 'p50Ms')), p95Ms: num(at(rec, 'invalidToRejected', 'p95Ms')),
      minMs: num(at(rec, 'invalidToRejected', 'minMs')), maxMs: num(at(rec, 'invalidToRejected', 'maxMs')),
      n: num(at(rec, 'invalidToRejected', 'n')), agentCpuMsPerChange: num(at(rec, 'invalidToRejected', 'agentCpuMsPerChange')) },
    coldStartMs: num(at(rec, 'coldStartToReady', 'p50Ms')),
    coldStart: { minMs: num(at(rec, 'coldStartToReady', 'minMs')), maxMs: num(at(rec, 'coldStartToReady', 'maxMs')), n: num(at(rec, 'coldStartToReady', 'n')) },
    idle: { rssMB: num(at(rec, 'idle', 'rssMB')), cpuPercent: num(at(rec, 'idle', 'cpuPercent')),
      contextSwitchesPerSecond: num(at(rec, 'idle', 'contextSwitchesPerSecond')), seconds: num(at(rec, 'idle', 'seconds')),
      firstWindowCpuPercent: num(at(rec, 'idle', 'firstWindowCpuPercent')),
      ...(quick ? { note: 'quick mode: a shorter idle window than the 60 s of a full run' } : {}) },
    throughput: tp === undefined
      ? { agentPerSec: null, exchangelibPerSec: null, naivePerSec: null, status: r.ran.throughput?.status ?? 'pending', reason: r.ran.throughput?.reason }
      : { agentPerSec: num(at(tp, 'agentPerSec')), exchangelibPerSec: num(at(tp, 'exchangelibPerSec')), naivePerSec: num(at(tp, 'naivePerSec')),
        agentOverExchangelib: num(at(tp, 'ratios', 'agentOverExchangelib')), agentOverNaive: num(at(tp, 'ratios', 'agentOverNaive')),
        notifications: num(at(tp, 'notifications')) },
    throttle: {
      notifications: num(at(r.throttle, 'notifications')), delivered: num(at(r.throttle, 'delivered')),
      duplicates: num(at(r.throttle, 'duplicateMessageIds')), failed: num(at(r.throttle, 'failed')),
      ratioToAllowed: num(at(r.throttle, 'rate', 'ratioToAllowed')), ratioFromAgentStart: num(at(r.throttle, 'rate', 'ratioToAllowedFromAgentStart')),
      insideBackoff: num(at(r.throttle, 'backoff', 'requestsInsideAdvisedWindow')), advised: num(at(r.throttle, 'backoff', 'advised')),
    },
    validate: { msPerFile: num(at(r.validate, 'msPerFile')) },
    graph: {
      p50Ms: num(at(r.graph, 'graph', 'changeToReady', 'p50Ms')), p95Ms: num(at(r.graph, 'graph', 'changeToReady', 'p95Ms')),
      coldStartMs: num(at(r.graph, 'graph', 'coldStartToReady', 'p50Ms')), idleRssMB: num(at(r.graph, 'graph', 'idleRssMB')),
      ewsP50Ms: num(at(r.graph, 'ews', 'changeToReady', 'p50Ms')), ewsP95Ms: num(at(r.graph, 'ews', 'changeToReady', 'p95Ms')),
      ewsColdStartMs: num(at(r.graph, 'ews', 'coldStartToReady', 'p50Ms')), ewsIdleRssMB: num(at(r.graph, 'ews', 'idleRssMB')),
      cpuMsPerChange: num(at(r.graph, 'graph', 'changeToReady', 'agentCpuMsPerChange')), ewsCpuMsPerChange: num(at(r.graph, 'ews', 'changeToReady', 'agentCpuMsPerChange')),
      idleSeconds: num(at(r.graph, 'idleSeconds')),
    },
    sandbox: { reqPerSec: num(at(sandboxOnDisk, 'rpsMedian')), ratioToStaticPeer: num(at(sandboxOnDisk, 'ratioToStaticPeer')) },
    smtpIn: { directPerSec: num(at(r.smtpIn, 'directPerSec')), acceptedPerSec: num(at(r.smtpIn, 'agentAcceptedPerSec')),
      deliveredPerSec: num(at(r.smtpIn, 'agentDeliveredPerSec')), endToEndPerSec: num(at(r.smtpIn, 'agentEndToEndPerSec')),
      acceptedOverDirect: num(at(r.smtpIn, 'ratios', 'acceptedOverDirect')), notifications: num(at(r.smtpIn, 'notifications')) },
  };
}

type Latest = ReturnType<typeof figures> & { at: string; mode: string; loadAverage: string; totalSeconds: number; cpus: number; node: string; runs?: number };

const show = (v: number | null | undefined, unit = ''): string => (v === null || v === undefined ? 'pending' : `${v}${unit}`);
const verdict = (v: number | null | undefined, ok: (x: number) => boolean): string => (v === null || v === undefined ? '–' : ok(v) ? 'yes' : 'no');

export function markdown(l: Latest): string {
  const rows: [string, string, string, string][] = [
    ['reconcile: file change → Ready, test message delivered (p50 / p95)', `${show(l.reconcile.p50Ms, ' ms')} / ${show(l.reconcile.p95Ms, ' ms')} (min–max ${show(l.reconcile.minMs)}–${show(l.reconcile.maxMs)})`, '≤ 50 / ≤ 150 ms',
      verdict(l.reconcile.p50Ms, (x) => x <= 50 && (l.reconcile.p95Ms ?? Infinity) <= 150)],
    ['reject: invalid file → Rejected (p50 / p95)', `${show(l.reject.p50Ms, ' ms')} / ${show(l.reject.p95Ms, ' ms')}`, '≤ 30 ms p50', verdict(l.reject.p50Ms, (x) => x <= 30)],
    ['cold start → Ready (median)', `${show(l.coldStartMs, ' ms')} (min–max ${show(l.coldStart.minMs)}–${show(l.coldStart.maxMs)})`, '≤ 800 ms', verdict(l.coldStartMs, (x) => x <= 800)],
    [`idle CPU (${show(l.idle.seconds, ' s')} window after ${show(l.idle.seconds, ' s')} idle)`, `${show(l.idle.cpuPercent, ' %')} (${show(l.idle.contextSwitchesPerSecond)} wake-ups/s; first window ${show(l.idle.firstWindowCpuPercent, ' %')})`, '< 0.1 %', verdict(l.idle.cpuPercent, (x) => x < 0.1)],
    ['idle RSS, EWS transport loaded', show(l.idle.rssMB, ' MB'), '≤ 90 MB', verdict(l.idle.rssMB, (x) => x <= 90)],
    ['throughput, 1,000 notifications, HTTPS + NTLM: agent', show(l.throughput.agentPerSec, '/s'), '', ''],
    // No longer a target (#17): against an unthrottled sandbox it measures our CPU, not what a real server
    // allows; the throttled run below is the delivery figure. Kept as a peer measured in the same run.
    ['… exchangelib (fastest configuration)', `${show(l.throughput.exchangelibPerSec, '/s')}${'agentOverExchangelib' in l.throughput ? ` (agent ×${show(l.throughput.agentOverExchangelib)})` : ''}`, 'measured, not a target', ''],
    ['… plain ews-javascript-api loop', `${show(l.throughput.naivePerSec, '/s')}${'agentOverNaive' in l.throughput ? ` (agent ×${show(l.throughput.agentOverNaive)})` : ''}`, 'agent ≥ 3×',
      verdict('agentOverNaive' in l.throughput ? l.throughput.agentOverNaive : null, (x) => x >= 3)],
    [`throttled Exchange (600/min, Sent Items lag 2 s, 4 connections, 2 % resets), ${show(l.throttle.notifications)} notifications: delivered / duplicates / failed`,
      `${show(l.throttle.delivered)} / ${show(l.throttle.duplicates)} / ${show(l.throttle.failed)}`, 'all / 0 / 0',
      verdict(l.throttle.delivered, (x) => x === l.throttle.notifications && l.throttle.duplicates === 0 && l.throttle.failed === 0)],
    ['… delivery rate ÷ allowed rate (first to last; from the agent\'s start)', `${show(l.throttle.ratioToAllowed)} (${show(l.throttle.ratioFromAgentStart)})`, '≥ 0.9', verdict(l.throttle.ratioToAllowed, (x) => x >= 0.9)],
    ['… requests inside an advised back-off window', `${show(l.throttle.insideBackoff)} (of ${show(l.throttle.advised)} advised)`, '0', verdict(l.throttle.insideBackoff, (x) => x === 0)],
    ['validate, per file (1,000 files)', show(l.validate.msPerFile, ' ms'), '', ''],
    ['Graph: file change → Ready, test message delivered (p50 / p95; agent CPU per change); EWS in the same run', `${show(l.graph.p50Ms, ' ms')} / ${show(l.graph.p95Ms, ' ms')}; ${show(l.graph.cpuMsPerChange, ' ms')} CPU (EWS ${show(l.graph.ewsP50Ms)} / ${show(l.graph.ewsP95Ms)}; ${show(l.graph.ewsCpuMsPerChange, ' ms')} CPU)`, '≤ 50 / ≤ 150 ms',
      verdict(l.graph.p50Ms, (x) => x <= 50 && (l.graph.p95Ms ?? Infinity) <= 150)],
    ['Graph: cold start → Ready, token included (median); EWS in the same run', `${show(l.graph.coldStartMs, ' ms')} (EWS ${show(l.graph.ewsColdStartMs, ' ms')})`, '≤ 800 ms', verdict(l.graph.coldStartMs, (x) => x <= 800)],
    [`Graph: RSS ${show(l.graph.idleSeconds, ' s')} after the last change; EWS in the same run`, `${show(l.graph.idleRssMB, ' MB')} (EWS ${show(l.graph.ewsIdleRssMB, ' MB')})`, '≤ 90 MB', verdict(l.graph.idleRssMB, (x) => x <= 90)],
    ['sandbox alone, requests/s (8 clients, HTTPS)', show(l.sandbox.reqPerSec), '≥ 2,000', verdict(l.sandbox.reqPerSec, (x) => x >= 2000)],
    ['SMTP in, 8 smtplib clients: agent accepted (delivered via EWS / end to end)', `${show(l.smtpIn.acceptedPerSec, '/s')} (${show(l.smtpIn.deliveredPerSec, '/s')} / ${show(l.smtpIn.endToEndPerSec, '/s')})`, '', ''],
    ['… the sandbox\'s own SMTP port, directly (baseline)', `${show(l.smtpIn.directPerSec, '/s')} (agent ×${show(l.smtpIn.acceptedOverDirect)})`, '', ''],
  ];
  const flags = [...(l.mode === 'quick' ? ['--quick'] : []), ...((l.runs ?? 1) > 1 ? [`--runs ${l.runs}`] : [])];
  return [
    `Measured by \`npm run bench${flags.length ? ` -- ${flags.join(' ')}` : ''}\` on ${l.at} (Node ${l.node}, ${l.cpus} cores, load average ${l.loadAverage} at the end; ` +
      `${(l.runs ?? 1) > 1 ? `each figure the median of ${l.runs} runs, each run's a median over its repetitions` : 'medians over repetitions'}).`,
    '',
    '| figure | measured | target | met |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
  ].join('\n');
}
