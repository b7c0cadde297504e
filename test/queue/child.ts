// Runs a crash-test child (a real process) and kills it with SIGKILL when told to.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface Child {
  process: ChildProcess;
  lines: string[];
  /** Resolves with the exit code (null after a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  onLine(fn: (line: string, all: string[]) => void): void;
  stderr(): string;
}

export function runChild(fixture: string, args: string[]): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(`./fixtures/${fixture}`, import.meta.url)), ...args],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const listeners: ((line: string, all: string[]) => void)[] = [];
  let err = '';
  proc.stderr.on('data', (c: Buffer) => { err += c.toString(); });
  createInterface({ input: proc.stdout }).on('line', (line) => {
    lines.push(line);
    for (const l of listeners) l(line, lines);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.on('exit', (code, signal) => resolve({ code, signal }));
  });
  const timeout = setTimeout(() => proc.kill('SIGKILL'), 30_000); // never leave a stray child
  void exited.then(() => clearTimeout(timeout));
  return { process: proc, lines, exited, onLine: (fn) => listeners.push(fn), stderr: () => err };
}

/** A small seeded PRNG (mulberry32) so a failing run can be replayed with its seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
