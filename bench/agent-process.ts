// Shared by the benchmarks that time the real agent process (compiled dist/) against the sandbox: publishing
// a settings file, polling the status file, percentiles, and the process's CPU, RSS and wake-ups from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { StatusDocument } from '../agent/status/model.ts';
import { revisionOf } from '../agent/config/revision.ts';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Writes the settings file the way tools do (a rename over it); returns its revision. */
export async function publish(file: string, content: string): Promise<string> {
  await writeFile(file + '.tmp', content);
  await rename(file + '.tmp', file);
  return revisionOf(content);
}

async function status(file: string): Promise<StatusDocument | undefined> {
  try { return JSON.parse(await readFile(file, 'utf8')) as StatusDocument; } catch { return undefined; }
}

/** Polls the status file every 2 ms until `pred` holds. */
export async function until(file: string, pred: (d: StatusDocument) => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const d = await status(file);
    if (d && pred(d)) return;
    if (performance.now() > deadline) throw new Error('bench: timed out waiting for the status');
    await sleep(2);
  }
}

export const readyOn = (rev: string) => (d: StatusDocument) => d.conditions.some((c) => c.type === 'Ready' && c.status === 'True' && c.observedRevision === rev);

/** EWS settings with NTLM against a sandbox (the password in ./password) and a test message to `to`: each new
 *  `to` is a new test digest, so a change is answered with a test message. `username` as YAML reads it. */
export function ewsNtlmSettings(s: { url: string; caPath: string | undefined; username: string; from: string; to: string }): string {
  return ['apiVersion: mail-agent/v1', 'kind: MailSettings', 'service: ews', 'message:', `  from: ${s.from}`, 'ews:',
    `  url: ${s.url}`, `  username: ${s.username}`, '  password: { file: ./password }', '  auth: ntlm', `  caFile: ${s.caPath}`,
    'test:', `  to: ${s.to}`, ''].join('\n');
}

export function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 10) / 10;
}

export function procStats(pid: number): Promise<{ cpuMs: number; rssMB: number; switches: number }> {
  return Promise.all([readFile(`/proc/${pid}/stat`, 'utf8'), readFile(`/proc/${pid}/status`, 'utf8')]).then(([stat, st]) => {
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const rss = Number(/VmRSS:\s+(\d+)/.exec(st)?.[1] ?? 0);
    // Wake-ups of the main thread and its helpers show up as context switches: a busy timer would too.
    const switches = [...st.matchAll(/(?:non)?voluntary_ctxt_switches:\s+(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
    return { cpuMs: (ticks * 1000) / 100, rssMB: Math.round(rss / 102.4) / 10, switches };
  });
}

export function startAgent(settings: string, state: string, profileName?: string, env: NodeJS.ProcessEnv = {}): ChildProcess {
  const prof = process.env.BENCH_CPU_PROF && profileName ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF, '--cpu-prof-name', profileName] : [];
  const flags = process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
  return spawn(process.execPath, [...flags, ...prof, path.join(repo, 'dist/agent/cli/bin.js'), 'run', '--config', settings, '--state-dir', state, '--log-format', 'json', '--log-level', process.env.BENCH_LOG ?? 'warn'],
    { cwd: repo, stdio: ['ignore', flags.length ? 'inherit' : 'ignore', 'inherit'], env: { ...process.env, ...env } });
}

export async function stopAgent(agent: ChildProcess): Promise<void> {
  if (agent.exitCode !== null) return;
  const exited = new Promise((resolve) => agent.once('exit', resolve));
  agent.kill('SIGTERM');
  await exited;
}
