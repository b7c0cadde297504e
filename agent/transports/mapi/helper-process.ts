// One running mapi-helper: spawned once, asked one request at a time, each with a deadline.
// A crash, hang or garbage on stdout fails the request in hand and marks the process dead; it never throws
// out of an event handler, so it cannot take the agent down.
import { spawn as nodeSpawn, type ChildProcessWithoutNullStreams, type SpawnOptionsWithoutStdio } from 'node:child_process';
import { parseHelperLine, type HelperErrorBody, type HelperRequest } from './protocol.ts';

export type SpawnFn = (command: string, args: readonly string[], options: SpawnOptionsWithoutStdio) => ChildProcessWithoutNullStreams;

/** Why a request got no reply: the process exited, was too slow, or the caller gave up. */
export class HelperLostError extends Error {
  readonly reason: 'exited' | 'timeout' | 'aborted' | 'spawn' | 'protocol';
  /** Progress events the helper had reported for this request before it was lost (e.g. "submitting"). */
  readonly events: readonly string[];

  constructor(reason: HelperLostError['reason'], events: readonly string[], detail: string) {
    super(detail);
    this.name = 'HelperLostError';
    this.reason = reason;
    this.events = events;
  }
}

/** The helper answered with an error. */
export class HelperReplyError extends Error {
  readonly body: HelperErrorBody;

  constructor(body: HelperErrorBody) {
    super(body.message);
    this.name = 'HelperReplyError';
    this.body = body;
  }
}

/** A progress event that grants the request more time (e.g. "submitted": now waiting for the Outbox). */
export interface DeadlineExtension {
  event: string;
  ms: number;
}

interface Pending {
  id: number;
  events: string[];
  extension: DeadlineExtension | undefined;
  extend(ms: number): void;
  resolve(result: Record<string, unknown>): void;
  reject(err: Error): void;
}

const stderrKeep = 2048;
const exitDrainMs = 100;

export class HelperProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private pending: Pending | undefined;
  private nextId = 1;
  private buffered = '';
  private stderrTail = '';
  private dead: string | undefined;
  private readonly exited: Promise<void>;
  private readonly startupMs: number;
  private started = false;

  /** `startupMs` is added to the first request's deadline: loading the process (and MAPI) is slow when cold. */
  constructor(argv: readonly string[], env: NodeJS.ProcessEnv, startupMs: number, spawn: SpawnFn = nodeSpawn) {
    this.startupMs = startupMs;
    const [command, ...args] = argv;
    this.child = spawn(command ?? '', args, { env, windowsHide: true, stdio: 'pipe' });
    this.exited = new Promise((resolve) => {
      // 'exit', not 'close': under Wine, wineserver may inherit the pipes and hold them open (mapi-notes gotcha 3).
      this.child.once('exit', (code, signal) => {
        // A reply written just before exiting may still be in the pipe: read until stdout ends, or
        // briefly when something else (wineserver) holds the pipe open.
        const drained = () => {
          clearTimeout(timer);
          this.markDead('exited', `the MAPI helper exited (${signal ?? `code ${String(code)}`})`);
          this.child.stdout.destroy();
          this.child.stderr.destroy();
          resolve();
        };
        const timer = setTimeout(drained, exitDrainMs);
        if (this.child.stdout.readableEnded) drained();
        else this.child.stdout.once('end', drained);
      });
      this.child.once('error', (err) => {
        this.markDead('spawn', `the MAPI helper could not be started: ${err.message}`);
        resolve();
      });
    });
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => this.onData(chunk));
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-stderrKeep);
    });
    this.child.stdin.on('error', () => { /* EPIPE after a crash: reported through 'exit' */ });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.dead === undefined;
  }

  /** The last bytes the helper wrote to stderr (diagnostics only; never contains settings values). */
  get stderr(): string {
    return this.stderrTail;
  }

  request(request: HelperRequest, timeoutMs: number, signal?: AbortSignal, extension?: DeadlineExtension): Promise<Record<string, unknown>> {
    if (this.dead !== undefined) return Promise.reject(new HelperLostError('exited', [], this.dead));
    if (this.pending) return Promise.reject(new Error('HelperProcess: one request at a time'));
    const id = this.nextId++;
    let deadlineMs = timeoutMs + (this.started ? 0 : this.startupMs);
    this.started = true;
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      const events: string[] = [];
      const finish = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.pending = undefined;
      };
      const arm = (ms: number) => setTimeout(() => {
        this.lose('timeout', `the MAPI helper did not answer ${request.cmd} within ${deadlineMs} ms`);
      }, ms);
      let timer = arm(deadlineMs);
      const onAbort = () => this.lose('aborted', `${request.cmd} was cancelled`);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending = {
        id, events, extension,
        extend: (ms) => {
          clearTimeout(timer);
          deadlineMs += ms;
          timer = arm(timeoutMs + ms);
        },
        resolve: (result) => { finish(); resolve(result); },
        reject: (err) => { finish(); reject(err); },
      };
      if (signal?.aborted) return onAbort();
      this.child.stdin.write(JSON.stringify({ ...request, id }) + '\n');
    });
  }

  /** Ends stdin (the helper logs off and exits), then kills it if it has not exited within `graceMs`. */
  async stop(graceMs: number): Promise<void> {
    if (this.dead === undefined) this.child.stdin.end();
    const timer = setTimeout(() => this.kill(), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  /** Gives up on this process: kills it and fails the request in hand. */
  private lose(reason: HelperLostError['reason'], detail: string): void {
    this.kill();
    this.markDead(reason, detail);
  }

  private markDead(reason: HelperLostError['reason'], detail: string): void {
    if (this.dead !== undefined) return;
    this.dead = detail;
    const pending = this.pending;
    pending?.reject(new HelperLostError(reason, pending.events, detail));
  }

  private onData(chunk: string): void {
    this.buffered += chunk;
    let newline: number;
    while ((newline = this.buffered.indexOf('\n')) >= 0) {
      const line = this.buffered.slice(0, newline).trim();
      this.buffered = this.buffered.slice(newline + 1);
      if (line) this.onLine(line);
    }
  }

  private onLine(line: string): void {
    const message = parseHelperLine(line);
    const pending = this.pending;
    if (!pending) return;
    if (!message || message.id !== pending.id) {
      this.lose('protocol', 'the MAPI helper wrote an unexpected line');
      return;
    }
    if ('event' in message) {
      pending.events.push(message.event);
      if (pending.extension?.event === message.event) pending.extend(pending.extension.ms);
    }
    else if (message.ok) pending.resolve(message.result);
    else pending.reject(new HelperReplyError(message.error));
  }
}
