// Test support (not a test): the real `mail-agent run` process (the shipped build, dist/) with `service: mapi`
// under Wine, its settings file, `status --wait` / `send` / `log` through main(), and the agent's helper processes.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { main } from '../../agent/cli/main.ts';
import type { StatusDocument } from '../../agent/status/model.ts';
import { revisionOf } from '../../agent/config/revision.ts';
import type { Child } from '../helpers/child.ts';
import { captureIo } from '../helpers/io.ts';
import { spawnCli } from '../helpers/shipped.ts';

export interface MapiSettingsOptions {
  profile?: string;
  charset?: string;
  plainText?: boolean;
  testTo?: string;
}

export function mapiSettingsYaml(o: MapiSettingsOptions = {}): string {
  return `apiVersion: mail-agent/v1
kind: MailSettings
service: mapi
message:
  from: helpdesk@contoso.test
  charset: ${o.charset ?? 'utf-8'}
  plainText: ${String(o.plainText ?? false)}
  fromDelegation: true
mapi:
  profile: ${o.profile ?? 'default'}
${o.testTo ? `test:\n  to: ${o.testTo}\n` : ''}`;
}

export interface CliResult { code: number; out: string; err: string }

export class AgentRig {
  readonly settings: string;
  readonly stateDir: string;
  readonly statusPath: string;
  private readonly root: string;
  private agent: Child | undefined;

  constructor(root: string) {
    this.root = root;
    this.settings = join(root, 'conf', 'mail-settings.yaml');
    this.stateDir = join(root, 'state');
    this.statusPath = join(this.stateDir, 'status.json');
  }

  /** Replaces the settings file atomically (as a deployment tool would); returns its text. */
  async write(o: MapiSettingsOptions): Promise<string> {
    await mkdir(join(this.root, 'conf'), { recursive: true });
    const text = mapiSettingsYaml(o);
    await writeFile(this.settings + '.tmp', text);
    await rename(this.settings + '.tmp', this.settings);
    return text;
  }

  start(env: NodeJS.ProcessEnv): Child {
    this.agent = spawnCli(['run', '--config', this.settings, '--state-dir', this.stateDir, '--log-format', 'json', '--heartbeat', '500ms'], env);
    return this.agent;
  }

  async cli(args: string[]): Promise<CliResult> {
    const io = captureIo({ env: {}, cwd: this.root });
    const code = await main(args, io);
    return { code, out: io.out(), err: io.err() };
  }

  /** `mail-agent status --wait` for the revision of `text`: 0 Ready, 1 Stalled/Rejected. */
  wait(text: string): Promise<CliResult> {
    return this.cli(['status', '--status', this.statusPath, '--wait', '--for-revision', revisionOf(text), '--timeout', '30s']);
  }

  send(args: string[]): Promise<CliResult> {
    return this.cli(['send', '--state-dir', this.stateDir, ...args]);
  }

  async status(): Promise<StatusDocument> {
    return JSON.parse(await readFile(this.statusPath, 'utf8')) as StatusDocument;
  }

  /** The agent's live mapi-helper children, oldest first (by /proc start time). */
  helpers(): number[] {
    const agentPid = this.agent?.proc.pid;
    const found: { pid: number; started: number }[] = [];
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        // stat: "pid (comm) state ppid … starttime(22)"; comm may hold blanks, so split after the ')'.
        const fields = readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
        if (Number(fields[1]) !== agentPid) continue;
        if (!readFileSync(`/proc/${name}/cmdline`, 'utf8').includes('mapi-helper')) continue;
        found.push({ pid: Number(name), started: Number(fields[19]) });
      } catch {
        // the process ended while we looked
      }
    }
    return found.sort((a, b) => a.started - b.started).map((p) => p.pid);
  }

  async stop(): Promise<number | null> {
    return (await this.agent?.kill('SIGTERM')) ?? null;
  }

  output(): string {
    return this.agent?.output() ?? '';
  }

  async kill(): Promise<void> {
    await this.agent?.kill('SIGKILL');
  }
}
