// Real child processes (this Node running a script: TypeScript through tsx, or dist/'s JavaScript), killed
// by pid when a test ends.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../..');

export interface Child {
  proc: ChildProcess;
  output(): string;
  /** Resolves when `text` appears on stdout or stderr. */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
  exited(): Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/** A test fixture (TypeScript, through tsx). `wrapper`: a command that runs the node command line given after
 *  it (e.g. `unshare --uts …`). The CLI itself runs from dist/: test/helpers/shipped.ts. */
export function spawnTs(script: string, args: string[], env: NodeJS.ProcessEnv = {}, stdin: 'ignore' | 'pipe' = 'ignore', wrapper: string[] = []): Child {
  return spawnNode(['--import', 'tsx', resolve(repoRoot, script), ...args], env, { stdin, wrapper });
}

export interface SpawnOptions {
  stdin?: 'ignore' | 'pipe';
  /** A command that runs the node command line given after it (e.g. `unshare --uts …`). */
  wrapper?: string[];
  /** The child's working directory (default: the repository). */
  cwd?: string;
}

/** This Node with `nodeArgs`, its output collected. */
export function spawnNode(nodeArgs: string[], env: NodeJS.ProcessEnv = {}, { stdin = 'ignore', wrapper = [], cwd = repoRoot }: SpawnOptions = {}): Child {
  const command = [...wrapper, process.execPath, ...nodeArgs];
  const proc = spawn(command[0]!, command.slice(1), {
    cwd, env: { ...process.env, ...env }, stdio: [stdin, 'pipe', 'pipe'],
  });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => { output += chunk.toString('utf8'); for (const l of listeners) l(); };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  const exit = once(proc, 'exit').then(([code]) => code as number | null);
  return {
    proc,
    output: () => output,
    waitFor(text, timeoutMs = 10_000) {
      const matches = () => (typeof text === 'string' ? output.includes(text) : text.test(output));
      if (matches()) return Promise.resolve();
      return new Promise((resolvePromise, reject) => {
        const timer = setTimeout(() => { listeners.delete(check); reject(new Error(`timed out waiting for ${String(text)}; output:\n${output}`)); }, timeoutMs);
        const check = () => { if (matches()) { clearTimeout(timer); listeners.delete(check); resolvePromise(); } };
        listeners.add(check);
      });
    },
    exited: () => exit,
    async kill(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exit;
    },
  };
}

/** The child's exit code, or 'still running' (and the child killed) when it has not exited within `ms`. */
export async function exitedWithin(child: Child, ms: number): Promise<number | null | 'still running'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'still running'>((resolve) => { timer = setTimeout(() => { resolve('still running'); }, ms); });
  const outcome = await Promise.race([child.exited(), late]);
  clearTimeout(timer);
  if (outcome === 'still running') await child.kill('SIGKILL');
  return outcome;
}
