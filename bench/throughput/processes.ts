// Child processes of bench/throughput.ts: the sandbox (its own process), the agent, and the peers.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const repoRoot = resolve(import.meta.dirname, '../..');

export interface Proc { proc: ChildProcess; output(): string; stop(): Promise<void> }

export function start(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const proc = spawn(command, args, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout.on('data', (c: Buffer) => { output += c.toString(); });
  proc.stderr.on('data', (c: Buffer) => { output += c.toString(); });
  const exited = once(proc, 'exit');
  return {
    proc, output: () => output,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}

/** BENCH_CPU_PROF=<dir>: the agent and the sandbox write V8 CPU profiles there (node --cpu-prof) when they exit. */
const profileDir = process.env.BENCH_CPU_PROF;

export function startTs(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  return start(process.execPath, [...profile, '--import', 'tsx', join(repoRoot, script), ...args], env);
}

/** Runs a peer to completion and parses the JSON line it prints. */
export async function runJson<T>(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<T> {
  const p = start(command, args, env);
  const [code] = await once(p.proc, 'exit') as [number | null];
  const line = p.output().trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (code !== 0 || !line) throw new Error(`${command} exited ${code}: ${p.output().slice(-2000)}`);
  return JSON.parse(line) as T;
}

export interface SandboxProc extends Proc { url: string; ca: string; dataDir: string }

export async function startSandboxProcess(dataDir: string, usersFile: string, flags: string[] = []): Promise<SandboxProc> {
  const p = startTs('agent/cli/bin.ts', ['sandbox', '--port', '0', '--data-dir', dataDir, '--users', usersFile, '-o', 'json', ...flags]);
  const lines = createInterface({ input: p.proc.stdout! });
  for await (const line of lines) {
    if (line.startsWith('{')) {
      lines.close();
      return { ...p, ...(JSON.parse(line) as { url: string; ca: string; dataDir: string }) };
    }
  }
  throw new Error(`the sandbox did not start: ${p.output()}`);
}

export interface DeliveryLine { time: string; subject: string; messageId: string }

export async function deliveriesWith(dataDir: string, prefix: string): Promise<DeliveryLine[]> {
  const text = await readFile(join(dataDir, 'deliveries.jsonl'), 'utf8').catch(() => '');
  return text.split('\n').filter((l) => l.includes(prefix)).map((l) => JSON.parse(l) as DeliveryLine)
    .filter((d) => d.subject.startsWith(prefix));
}

/** Messages per second on the sandbox's clock: first to last delivery of the batch. */
export function serverRate(list: DeliveryLine[]): number {
  const times = list.map((d) => Date.parse(d.time)).sort((a, b) => a - b);
  const span = (times[times.length - 1]! - times[0]!) / 1000;
  return span > 0 ? (list.length - 1) / span : Infinity;
}

/** CPU time (user + system, ms) of a process, from /proc (Linux); undefined once it is gone. */
async function cpuMsOf(pid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime in clock ticks (CLK_TCK 100)
}

export interface CpuSampler { stop(): void; between(from: number, to: number): number | undefined }

/** Samples a process's CPU time every few ms, to tell how much it spent between two wall-clock instants. */
export function sampleCpu(pid: number, everyMs = 20): CpuSampler {
  const samples: { at: number; cpuMs: number }[] = [];
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void cpuMsOf(pid).then((cpuMs) => { if (cpuMs !== undefined) samples.push({ at: Date.now(), cpuMs }); }).finally(() => { busy = false; });
  }, everyMs);
  const at = (t: number) => samples.findLast((s) => s.at <= t) ?? samples[0];
  const after = (t: number) => samples.find((s) => s.at >= t) ?? samples[samples.length - 1];
  return {
    stop: () => clearInterval(timer),
    between: (from, to) => {
      const a = at(from);
      const b = after(to);
      return a && b ? b.cpuMs - a.cpuMs : undefined;
    },
  };
}

/** First and last delivery time (sandbox clock, ms). */
export function deliverySpan(list: DeliveryLine[]): { first: number; last: number } {
  const times = list.map((d) => Date.parse(d.time));
  return { first: Math.min(...times), last: Math.max(...times) };
}
