// SMTP in: notifications per second that 8 concurrent Python smtplib clients hand the agent's submission
// port (plain, loopback) and that the agent delivers through the EWS sandbox (HTTPS + NTLM), against a
// baseline in the same run: the sandbox's own SMTP port taking the same messages directly (anonymous relay
// from loopback, no TLS, as the agent's port here). Figures:
//   accepted/s   n / (first connect → last 250), the clients' clock: what a help desk sees;
//   delivered/s  first → last delivery of the batch on the sandbox's clock (deliveries.jsonl);
//   end to end   n / (first connect → last delivery).
// Both the agent and the sandbox run as their own processes, from dist/ when built (npm run bench builds).
// Run: node --import tsx bench/smtp-in.ts [reps] [n] → bench/results/smtp-in.json (BENCH_CPU_PROF=<dir>: profiles)
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createInterface } from 'node:readline';
import { deliverySpan, repoRoot, runJson, serverRate, start, startTs, type DeliveryLine, type Proc } from './throughput/processes.ts';
import { benchUser, untilDelivered as untilDeliveredTo, writeEwsSettings, writeUsersFile } from './throughput/agent-settings.ts';

const reps = Number(process.argv[2] ?? 3);
const n = Number(process.argv[3] ?? 1000);
const clients = 8;
const user = benchUser;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const round = (x: number) => Math.round(x * 10) / 10;
const compiled = join(repoRoot, 'dist/agent/cli/bin.js');
/** BENCH_CPU_PROF=<dir>: the agent and the sandbox write V8 CPU profiles there when they exit. */
const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
const cli = (args: string[]): Proc => (existsSync(compiled) ? start(process.execPath, [...profile, compiled, ...args]) : startTs('agent/cli/bin.ts', args));

interface Load { started: number; ended: number; accepted: number }

const root = await mkdtemp(join(tmpdir(), 'bench-smtp-in-'));
const usersFile = await writeUsersFile(root);
const sandboxData = join(root, 'sandbox');
const sandbox = cli(['sandbox', '--port', '0', '--smtp-port', '0', '--smtp-relay-from', '127.0.0.1', '--data-dir', sandboxData, '--users', usersFile, '-o', 'json']);
const ready = await firstJsonLine<{ url: string; ca: string; smtp: string }>(sandbox);
const sandboxPort = Number(ready.smtp.split(':').at(-1));
const loadBefore = loadavg();

async function firstJsonLine<T>(p: Proc): Promise<T> {
  for await (const line of createInterface({ input: p.proc.stdout! })) if (line.startsWith('{')) return JSON.parse(line) as T;
  throw new Error(`no ready line: ${p.output()}`);
}

function load(port: number, prefix: string): Promise<Load> {
  return runJson<Load>('/usr/bin/python3', [join(repoRoot, 'bench/smtp-in/smtplib_load.py'), '127.0.0.1', String(port), String(n), String(clients), prefix]);
}

const untilDelivered = (prefix: string): Promise<DeliveryLine[]> => untilDeliveredTo(sandboxData, prefix, n, 300_000, 100);

async function startAgent(): Promise<{ agent: Proc; port: number }> {
  const dir = join(root, 'agent');
  const config = await writeEwsSettings(dir, ready, { message: `{ from: ${user.email} }`, tail: 'submission:\n  listen: 127.0.0.1:0\n' });
  const agent = cli(['run', '--config', config, '--state-dir', join(dir, 'state'), '--log-format', 'json']);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const status = JSON.parse(await readFile(join(dir, 'state', 'status.json'), 'utf8').catch(() => '{}')) as {
      conditions?: { type: string; status: string }[]; submission?: { address?: string };
    };
    const isReady = status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    if (isReady && status.submission?.address) return { agent, port: Number(status.submission.address.split(':').at(-1)) };
    if (Date.now() > deadline) throw new Error(`the agent did not become Ready: ${agent.output().slice(-2000)}`);
    await sleep(100);
  }
}

const direct: number[] = [];
const accepted: number[] = [];
const delivered: number[] = [];
const endToEnd: number[] = [];
const { agent, port } = await startAgent();
try {
  for (let rep = 0; rep < reps; rep++) {
    const d = await load(sandboxPort, `direct r${rep} `);
    if (d.accepted !== n) throw new Error(`the sandbox accepted ${d.accepted} of ${n}`);
    direct.push(n / ((d.ended - d.started) / 1000));
    const a = await load(port, `agent r${rep} `);
    if (a.accepted !== n) throw new Error(`the agent accepted ${a.accepted} of ${n}`);
    accepted.push(n / ((a.ended - a.started) / 1000));
    const got = await untilDelivered(`agent r${rep} `);
    delivered.push(serverRate(got));
    endToEnd.push(n / ((deliverySpan(got).last - a.started) / 1000));
    console.error(`smtp-in r${rep}: direct ${round(direct[rep]!)}/s; agent accepted ${round(accepted[rep]!)}/s, delivered ${round(delivered[rep]!)}/s, end to end ${round(endToEnd[rep]!)}/s`);
  }
} finally {
  await agent.stop();
  await sandbox.stop();
}

const result = {
  at: new Date().toISOString(), reps, notifications: n, clients,
  loadAverage: { before: loadBefore.map(round), after: loadavg().map(round) },
  directPerSec: round(median(direct)),
  agentAcceptedPerSec: round(median(accepted)),
  agentDeliveredPerSec: round(median(delivered)),
  agentEndToEndPerSec: round(median(endToEnd)),
  ratios: {
    acceptedOverDirect: Math.round(median(accepted) / median(direct) * 100) / 100,
    endToEndOverDirect: Math.round(median(endToEnd) / median(direct) * 100) / 100,
  },
  runs: { direct: direct.map(round), accepted: accepted.map(round), delivered: delivered.map(round), endToEnd: endToEnd.map(round) },
};
await mkdir(join(repoRoot, 'bench/results'), { recursive: true });
await writeFile(join(repoRoot, 'bench/results/smtp-in.json'), JSON.stringify(result, null, 2) + '\n');
console.log(JSON.stringify(result));
await rm(root, { recursive: true, force: true });
