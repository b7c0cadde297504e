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

export function startTs(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  return start(process.execPath, ['--import', 'tsx', join(repoRoot, script), ...args], env);
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

export async function startSandboxProcess(dataDir: string, usersFile: string): Promise<SandboxProc> {
  const p = startTs('agent/cli/bin.ts', ['sandbox', '--port', '0', '--data-dir', dataDir, '--users', usersFile, '-o', 'json']);
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
