// The agent's reaction times, measured on the real agent process against the sandbox over HTTPS + NTLM:
//  - file change → status Ready with the test message delivered (each change a new settings digest)
//  - invalid file → Rejected in the status
//  - cold start (process spawn) → Ready
//  - CPU time and RSS of the idle agent over 60 s
// Run: node --import tsx bench/reconcile.ts [changes=30] [idleSeconds=60]  → bench/results/reconcile.json
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir, cpus } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createNtlmAcceptor } from '../agent/ntlm/server.ts';
import { startSandbox } from '../agent/sandbox/index.ts';
import { buildDirectory } from '../agent/sandbox/users.ts';
import type { StatusDocument } from '../agent/status/model.ts';
import { revisionOf } from '../agent/watch/digest.ts';

const changes = Number(process.argv[2] ?? 30);
const idleSeconds = Number(process.argv[3] ?? 60);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const user = { username: 'BENCH\\notify', password: 'bench-Passw0rd', email: 'notify@bench.test' };

const root = await mkdtemp(path.join(tmpdir(), 'bench-reconcile-'));
const conf = path.join(root, 'conf');
const stateDir = path.join(root, 'state');
await mkdir(conf);
await writeFile(path.join(conf, 'password'), user.password, { mode: 0o600 });
const sandbox = await startSandbox({ dataDir: path.join(root, 'sandbox'), ntlm: createNtlmAcceptor, directory: buildDirectory({ users: [{ ...user }], tokens: [] }) });
const settings = path.join(conf, 'mail-settings.yaml');
const statusPath = path.join(stateDir, 'status.json');

const text = (n: number, invalid = false) => `apiVersion: mail-agent/v1
kind: MailSettings
service: ews
message:
  from: ${user.email}
ews:
  url: ${sandbox.url}
  username: BENCH\\\\notify
  password: { file: ./password }
  auth: ntlm
  caFile: ${sandbox.caPath}
test:
  to: ops+${n}@bench.test
${invalid ? `colour${n}: blue\n` : ''}`;

async function publish(content: string): Promise<string> {
  await writeFile(settings + '.tmp', content);
  await rename(settings + '.tmp', settings);
  return revisionOf(content);
}

async function status(): Promise<StatusDocument | undefined> {
  try { return JSON.parse(await readFile(statusPath, 'utf8')) as StatusDocument; } catch { return undefined; }
}

async function until(pred: (d: StatusDocument) => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const d = await status();
    if (d && pred(d)) return;
    if (performance.now() > deadline) throw new Error('bench: timed out waiting for the status');
    await sleep(2);
  }
}
const readyOn = (rev: string) => (d: StatusDocument) => d.conditions.some((c) => c.type === 'Ready' && c.status === 'True' && c.observedRevision === rev);
const rejectedOn = (rev: string) => (d: StatusDocument) => d.lastRejected?.revision === rev && d.observedRevision === rev;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 10) / 10;
}

function procStats(pid: number): Promise<{ cpuMs: number; rssMB: number }> {
  return Promise.all([readFile(`/proc/${pid}/stat`, 'utf8'), readFile(`/proc/${pid}/status`, 'utf8')]).then(([stat, st]) => {
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const rss = Number(/VmRSS:\s+(\d+)/.exec(st)?.[1] ?? 0);
    return { cpuMs: (ticks * 1000) / 100, rssMB: Math.round(rss / 102.4) / 10 };
  });
}

const first = await publish(text(0));
const coldStart = performance.now();
const agent = spawn(process.execPath, ['--import', 'tsx', path.join(repo, 'agent/cli/bin.ts'), 'run', '--config', settings, '--state-dir', stateDir, '--log-format', 'json', '--log-level', process.env.BENCH_LOG ?? 'warn'],
  { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
try {
  await until(readyOn(first), 60_000);
  const coldStartMs = performance.now() - coldStart;

  const changeMs: number[] = [];
  for (let n = 1; n <= changes; n++) {
    const t0 = performance.now();
    const rev = await publish(text(n));
    await until(readyOn(rev));
    changeMs.push(performance.now() - t0);
  }
  const invalidMs: number[] = [];
  for (let n = 1; n <= changes; n++) {
    const t0 = performance.now();
    const rev = await publish(text(changes, true).replace(/colour\d+/, `colour${n}`));
    await until(rejectedOn(rev));
    invalidMs.push(performance.now() - t0);
  }
  const back = await publish(text(changes));
  await until(readyOn(back));

  const before = await procStats(agent.pid!);
  await sleep(idleSeconds * 1000);
  const after = await procStats(agent.pid!);

  const result = {
    date: new Date().toISOString(), node: process.version, cpus: cpus().length,
    setup: 'real agent process (tsx), sandbox on loopback over HTTPS + NTLM, status file polled every 2 ms, rename-over writes',
    changeToReady: { n: changeMs.length, p50Ms: pct(changeMs, 50), p95Ms: pct(changeMs, 95), targetP50Ms: 100 },
    invalidToRejected: { n: invalidMs.length, p50Ms: pct(invalidMs, 50), p95Ms: pct(invalidMs, 95), targetP50Ms: 50 },
    coldStartToReadyMs: Math.round(coldStartMs),
    idle: { seconds: idleSeconds, cpuMs: Math.round(after.cpuMs - before.cpuMs), cpuPercent: Math.round(((after.cpuMs - before.cpuMs) / (idleSeconds * 1000)) * 10000) / 100, rssMB: after.rssMB },
  };
  await mkdir(path.join(repo, 'bench/results'), { recursive: true });
  await writeFile(path.join(repo, 'bench/results/reconcile.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify(result, null, 2));
} finally {
  agent.kill('SIGTERM');
  await new Promise((resolve) => agent.once('exit', resolve));
  await sandbox.close();
  await rm(root, { recursive: true, force: true });
}
