// Notifications per second delivered to the sandbox over HTTPS + NTLM, with 1,000 queued: the agent
// (`mail-agent run`, its spool, worker and EWS transport) against Debian's python3-exchangelib in its
// fastest configuration and a plain ews-javascript-api loop, in the same run, against the same sandbox
// (its own process). Rates are on the sandbox's clock (first to last delivery of each batch), so start-up
// and warm-up count for nobody. The CPU time of the agent and of the sandbox between the first and last
// delivery (from /proc) is reported per notification: less noisy than rates on a shared machine.
// Run: node --import tsx bench/throughput.ts [reps] [n] → bench/results/throughput.json
//   EXCHANGELIB_CONFIG=<name> skips exploring exchangelib's configurations; BENCH_CPU_PROF=<dir> profiles
//   the agent and the sandbox (node --cpu-prof).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Spool } from '../agent/queue/spool.ts';
import { submitNotification } from '../agent/queue/submit.ts';
import { deliveriesWith, deliverySpan, repoRoot, runJson, sampleCpu, serverRate, startSandboxProcess, startTs, type DeliveryLine } from './throughput/processes.ts';
import { benchUser, untilDelivered as untilDeliveredTo, writeEwsSettings, writeUsersFile } from './throughput/agent-settings.ts';

const reps = Number(process.argv[2] ?? 3);
const n = Number(process.argv[3] ?? 1000);
const user = benchUser;
const to = 'ops@bench.test';
const body = (i: number) => `notification ${i}: disk usage above 90% on db-01`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const round = (x: number) => Math.round(x * 10) / 10;

const root = await mkdtemp(join(tmpdir(), 'bench-throughput-'));
const usersFile = await writeUsersFile(root);
const sandbox = await startSandboxProcess(join(root, 'sandbox'), usersFile);
const loadBefore = loadavg();

const untilDelivered = (prefix: string): Promise<DeliveryLine[]> => untilDeliveredTo(sandbox.dataDir, prefix, n, 180_000, 200);

async function agentRun(rep: number): Promise<number> {
  const dir = join(root, `agent-${rep}`);
  const config = await writeEwsSettings(dir, sandbox, { message: '{ charset: utf-8 }', ews: ['saveCopy: true'] });
  const prefix = `agent r${rep} `;
  const spool = await Spool.open(join(dir, 'state'));
  for (let i = 0; i < n; i++) {
    await submitNotification(spool, { to: [to], subject: `${prefix}${i}`, body: body(i) }, { charset: 'utf-8', plainText: true, fromDelegation: false }, { cwd: dir });
  }
  const agent = startTs('agent/cli/bin.ts', ['run', '--config', config, '--state-dir', join(dir, 'state'), '--log-format', 'json']);
  const agentCpu = sampleCpu(agent.proc.pid!);
  const sandboxCpu = sampleCpu(sandbox.proc.pid!);
  try {
    const got = await untilDelivered(prefix);
    await sleep(100);
    const { first, last } = deliverySpan(got);
    cpuMsPerNotification.agent.push(perNotification(agentCpu.between(first, last)));
    cpuMsPerNotification.sandboxUnderAgent.push(perNotification(sandboxCpu.between(first, last)));
    return serverRate(got);
  } catch (err) {
    throw new Error(`${String(err)}\n${agent.output().slice(-2000)}`, { cause: err });
  } finally {
    agentCpu.stop();
    sandboxCpu.stop();
    await agent.stop();
  }
}

/** CPU ms per notification between the first and last delivery (from /proc), less noisy than rates on a shared machine. */
const cpuMsPerNotification: Record<'agent' | 'sandboxUnderAgent' | 'sandboxUnderExchangelib' | 'sandboxUnderNaive', number[]> = {
  agent: [], sandboxUnderAgent: [], sandboxUnderExchangelib: [], sandboxUnderNaive: [],
};
const perNotification = (ms: number | undefined) => (ms === undefined ? NaN : Math.round((ms / n) * 1000) / 1000);

/** Runs a peer while sampling the sandbox's CPU; the sandbox's CPU per notification over the peer's deliveries. */
async function withSandboxCpu<T>(key: 'sandboxUnderExchangelib' | 'sandboxUnderNaive', prefix: string, run: () => Promise<T>): Promise<T> {
  const sampler = sampleCpu(sandbox.proc.pid!);
  try {
    const result = await run();
    await sleep(100);
    const got = (await deliveriesWith(sandbox.dataDir, prefix)).filter((d) => !/ -\d+$/.test(d.subject));
    if (got.length >= n) {
      const { first, last } = deliverySpan(got);
      cpuMsPerNotification[key].push(perNotification(sampler.between(first, last)));
    }
    return result;
  } finally {
    sampler.stop();
  }
}

interface PeerJob { mode?: string; workers?: number; chunk?: number }
/** The peers' own wall clock over their timed sends (warm-up excluded), next to the sandbox's. */
const clientRates: Record<'exchangelib' | 'naive', number[]> = { exchangelib: [], naive: [] };

async function exchangelibRun(tag: string, job: PeerJob, count = n): Promise<number> {
  const prefix = `exchangelib ${tag} `;
  const res = await runJson<{ ok: boolean; error?: string; seconds: number }>('/usr/bin/python3', [join(repoRoot, 'bench/throughput/exchangelib_send.py'), JSON.stringify({
    url: sandbox.url, ca: sandbox.ca, ...user, to, prefix, n: count, ...job,
  })]);
  if (!res.ok) throw new Error(`exchangelib ${tag}: ${res.error}`);
  if (count === n) clientRates.exchangelib.push(round(n / res.seconds));
  return serverRate((await deliveriesWith(sandbox.dataDir, prefix)).filter((d) => !/ -\d+$/.test(d.subject)));
}

async function naiveRun(rep: number): Promise<number> {
  const prefix = `naive r${rep} `;
  const res = await runJson<{ ok: boolean; error?: string; seconds: number }>(process.execPath, ['--import', 'tsx', join(repoRoot, 'bench/throughput/naive-send.ts'), JSON.stringify({
    url: sandbox.url, ...user, to, prefix, n,
  })], { NODE_EXTRA_CA_CERTS: sandbox.ca });
  if (!res.ok) throw new Error(`naive: ${res.error}`);
  clientRates.naive.push(round(n / res.seconds));
  return serverRate((await deliveriesWith(sandbox.dataDir, prefix)).filter((d) => !/ -\d+$/.test(d.subject)));
}

try {
  // exchangelib's configurations, on a smaller batch: the fastest one is the peer.
  const configs: Record<string, PeerJob> = {
    'loop': { mode: 'loop' },
    'threads-4': { mode: 'threads', workers: 4 },
    'threads-8': { mode: 'threads', workers: 8 },
    'bulk-100': { mode: 'bulk', chunk: 100 },
    'bulk-threads-4x25': { mode: 'bulk-threads', workers: 4, chunk: 25 },
    'bulk-threads-4x50': { mode: 'bulk-threads', workers: 4, chunk: 50 },
    'bulk-threads-8x25': { mode: 'bulk-threads', workers: 8, chunk: 25 },
    'bulk-threads-2x50': { mode: 'bulk-threads', workers: 2, chunk: 50 },
  };
  const explored: Record<string, number> = {};
  const only = process.env.EXCHANGELIB_CONFIG; // skip the exploration: e.g. EXCHANGELIB_CONFIG=bulk-100
  for (const [name, job] of Object.entries(configs)) if (!only || only === name) explored[name] = round(await exchangelibRun(`probe ${name}`, job, Math.min(n, 300)));
  const fastest = Object.entries(explored).sort((a, b) => b[1] - a[1])[0]![0];
  console.log('exchangelib configurations (300 messages):', explored, '→', fastest);

  const runs: { agent: number; exchangelib: number; naive: number }[] = [];
  for (let rep = 0; rep < reps; rep++) {
    const agent = await agentRun(rep);
    const exchangelib = await withSandboxCpu('sandboxUnderExchangelib', `exchangelib r${rep} `, () => exchangelibRun(`r${rep}`, configs[fastest]!));
    const naive = await withSandboxCpu('sandboxUnderNaive', `naive r${rep} `, () => naiveRun(rep));
    runs.push({ agent: round(agent), exchangelib: round(exchangelib), naive: round(naive) });
    console.log(`rep ${rep}:`, runs[rep]);
  }
  const agentPerSec = median(runs.map((r) => r.agent));
  const exchangelibPerSec = median(runs.map((r) => r.exchangelib));
  const naivePerSec = median(runs.map((r) => r.naive));
  const result = {
    benchmark: 'throughput', at: new Date().toISOString(), node: process.version, notifications: n, reps,
    setup: 'sandbox as its own process (HTTPS ECDSA P-256, NTLMv2, SendAndSaveCopy); agent = `mail-agent run` on a state dir with all notifications queued before start; rates on the sandbox clock, first to last delivery',
    agentPerSec, exchangelibPerSec, naivePerSec,
    ratios: { agentOverExchangelib: round(agentPerSec / exchangelibPerSec), agentOverNaive: round(agentPerSec / naivePerSec) },
    exchangelib: { version: '4.9.0 (Debian python3-exchangelib)', fastest, configurationsPerSec300: explored },
    naive: 'ews-javascript-api 0.15.3 + @ewsjs/xhr 3.1.3 NTLM, sequential SendAndSaveCopy (NODE_EXTRA_CA_CERTS)',
    peersOnTheirOwnClock: { exchangelibPerSec: median(clientRates.exchangelib), naivePerSec: median(clientRates.naive), runs: clientRates },
    cpuMsPerNotification: { median: Object.fromEntries(Object.entries(cpuMsPerNotification).map(([k, v]) => [k, median(v)])), runs: cpuMsPerNotification },
    runs, loadAverage: { before: loadBefore.map(round), after: loadavg().map(round) },
  };
  await writeFile(join(repoRoot, 'bench/results/throughput.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(result);
} finally {
  await sandbox.stop();
  await rm(root, { recursive: true, force: true });
}
