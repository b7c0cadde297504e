// The Graph path's reaction times, with EWS measured in the same run as the peer: the real agent process
// (compiled dist/) against one sandbox on loopback, Graph signing in with the sandbox's default app (client
// secret, app-only OAuth) and EWS with NTLM, each:
//  - file change → status Ready with its test message delivered (each change a new test recipient, so a
//    new test digest and a test message every time)
//  - cold start (process spawn, fresh state dir) → Ready: sign-in (Graph: token), verify, test message
//  - RSS once idle (idleSeconds after the last change)
// The pace of 30 messages a minute is Exchange Online's, not the agent's work: the benchmark lifts it
// (MAIL_AGENT_GRAPH_MESSAGES_PER_MINUTE) so 30 changes in a few seconds are not queued behind it.
// Run: node --import tsx bench/graph.ts [changes=30] [coldStarts=5] [idleSeconds=20]  → bench/results/graph.json
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createNtlmAcceptor } from '../agent/sandbox/auth/ntlm-server.ts';
import { startSandbox } from '../agent/sandbox/index.ts';
import { buildDirectory } from '../agent/sandbox/users.ts';
import { ewsNtlmSettings, pct, procStats, publish, readyOn, repo, startAgent, stopAgent, until } from './agent-process.ts';

const changes = Number(process.argv[2] ?? 30);
const coldStarts = Math.max(1, Number(process.argv[3] ?? 5));
const idleSeconds = Number(process.argv[4] ?? 20);
const env = { MAIL_AGENT_GRAPH_MESSAGES_PER_MINUTE: '100000' };

const root = await mkdtemp(path.join(tmpdir(), 'bench-graph-'));
await mkdir(path.join(root, 'conf'));
await writeFile(path.join(root, 'conf', 'password'), 'bench-Passw0rd', { mode: 0o600 });
await writeFile(path.join(root, 'conf', 'client-secret'), 'sandbox-secret', { mode: 0o600 });
const sandbox = await startSandbox({
  dataDir: path.join(root, 'sandbox'), ntlm: createNtlmAcceptor,
  directory: buildDirectory({ users: [{ username: 'SANDBOX\\notify', password: 'bench-Passw0rd', email: 'notify@sandbox.test' }], tokens: [] }),
});
const host = `127.0.0.1:${sandbox.port}`;

const settingsFor = {
  graph: (n: number) => `apiVersion: mail-agent/v1
kind: MailSettings
service: graph
graph:
  tenant: sandbox.test
  clientId: 11111111-2222-3333-4444-555555555555
  clientSecret: { file: ./client-secret }
  mailbox: notify@sandbox.test
  authorityHost: ${host}
  graphHost: ${host}
  caFile: ${sandbox.caPath}
test:
  to: ops+${n}@sandbox.test
`,
  ews: (n: number) => ewsNtlmSettings({ ...sandbox, username: 'SANDBOX\\\\notify', from: 'notify@sandbox.test', to: `ops+${n}@sandbox.test` }),
};

type Service = keyof typeof settingsFor;

async function measure(service: Service) {
  const settings = path.join(root, 'conf', `${service}.yaml`);
  const first = await publish(settings, settingsFor[service](0));
  const coldMs: number[] = [];
  for (let i = 0; i < coldStarts; i++) {
    const state = path.join(root, `${service}-cold-${i}`);
    const t0 = performance.now();
    const cold = startAgent(settings, state, `${service}-cold-${i}.cpuprofile`, env);
    try {
      await until(path.join(state, 'status.json'), readyOn(first), 60_000);
      coldMs.push(performance.now() - t0);
    } finally {
      await stopAgent(cold);
    }
  }
  const state = path.join(root, `${service}-state`);
  const statusPath = path.join(state, 'status.json');
  const agent = startAgent(settings, state, `${service}.cpuprofile`, env);
  try {
    await until(statusPath, readyOn(first), 60_000);
    const cpu0 = await procStats(agent.pid!);
    const changeMs: number[] = [];
    for (let n = 1; n <= changes; n++) {
      const t0 = performance.now();
      const rev = await publish(settings, settingsFor[service](n));
      await until(statusPath, readyOn(rev));
      changeMs.push(performance.now() - t0);
    }
    const cpu1 = await procStats(agent.pid!);
    await sleep(idleSeconds * 1000);
    const idle = await procStats(agent.pid!);
    return {
      changeToReady: { n: changeMs.length, p50Ms: pct(changeMs, 50), p95Ms: pct(changeMs, 95), minMs: pct(changeMs, 0), maxMs: pct(changeMs, 100),
        // The agent's own CPU per change (from /proc): what load on a shared machine does not inflate.
        agentCpuMsPerChange: Math.round((cpu1.cpuMs - cpu0.cpuMs) / changes * 10) / 10 },
      coldStartToReady: { n: coldMs.length, p50Ms: pct(coldMs, 50), minMs: pct(coldMs, 0), maxMs: pct(coldMs, 100) },
      idleRssMB: idle.rssMB,
    };
  } finally {
    await stopAgent(agent);
  }
}

try {
  // Alternating would measure each against the other's leftovers; one after the other, the peer first.
  const ews = await measure('ews');
  const graph = await measure('graph');
  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  const result = {
    date: new Date().toISOString(), node: process.version, cpus: cpus().length, loadAverage: loadavg().map((x) => x.toFixed(2)).join(' '),
    setup: 'real agent processes (compiled dist/), one sandbox on loopback over HTTPS; Graph: client secret, sendMail in MIME form; EWS: NTLM, CreateItem; status polled every 2 ms; pace lifted',
    idleSeconds,
    targets: { changeP50Ms: 50, changeP95Ms: 150, coldStartMs: 800, idleRssMB: 90 },
    graph, ews,
    graphOverEws: {
      changeP50: ratio(graph.changeToReady.p50Ms, ews.changeToReady.p50Ms), changeP95: ratio(graph.changeToReady.p95Ms, ews.changeToReady.p95Ms),
      agentCpuPerChange: ratio(graph.changeToReady.agentCpuMsPerChange, ews.changeToReady.agentCpuMsPerChange),
      coldStart: ratio(graph.coldStartToReady.p50Ms, ews.coldStartToReady.p50Ms), idleRss: ratio(graph.idleRssMB, ews.idleRssMB),
    },
  };
  await mkdir(path.join(repo, 'bench/results'), { recursive: true });
  await writeFile(path.join(repo, 'bench/results/graph.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify(result, null, 2));
} finally {
  await sandbox.close();
  await rm(root, { recursive: true, force: true });
}
