// End-to-end rig: a real sandbox (HTTPS, NTLM), real settings files, the real agent as a child process run
// from the shipped build (dist/), and `mail-agent status` / `send` / `test` either as the shipped CLI (shipped())
// or through main() in this process (cli(): what a test calls hundreds of times, like `send` in bulk).
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { main } from '../../../agent/cli/main.ts';
import type { StatusDocument } from '../../../agent/status/model.ts';
import { captureIo } from '../../helpers/io.ts';
import type { Child } from '../../helpers/child.ts';
import { runCli, spawnCli } from '../../helpers/shipped.ts';
import { untilStatus } from '../../helpers/status.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { jsonLines, untilFile, type What } from '../../helpers/wait.ts';
import { account, startTestSandbox, type TestSandbox } from '../../transports/helpers/sandbox.ts';

export { account };
export const TestTo = 'ops@contoso.test';

export interface SettingsOptions {
  charset?: string;
  comment?: string;
  passwordFile?: string;
  caFile?: boolean;
  extra?: string;
  /** More lines under `message:` (each indented two spaces, ending in a newline). */
  message?: string;
  /** More lines under `ews:`. */
  ews?: string;
}

export interface Rig {
  root: string;
  settings: string;
  stateDir: string;
  statusPath: string;
  sandbox: TestSandbox;
  settingsText(o?: SettingsOptions): string;
  write(o?: SettingsOptions): Promise<string>;
  /** `wrapper`: a command line the agent runs under (e.g. unshare with a hostname of its own). */
  startAgent(extra?: string[], where?: { config: string; stateDir: string }, wrapper?: string[]): Child;
  /** `mail-agent …` through main() in this process. */
  cli(args: string[]): Promise<{ code: number; out: string; err: string }>;
  /** `mail-agent …` as the shipped CLI (dist/), in the rig's folder; `input` is its stdin. */
  shipped(args: string[], input?: string): Promise<{ code: number; out: string; err: string }>;
  /** Waits until the status file satisfies `pred` (or throws after timeoutMs). */
  untilStatus(pred: (doc: StatusDocument) => boolean, what: string, timeoutMs?: number): Promise<StatusDocument>;
  /** Waits until `judge` finds what it looks for in the sandbox's deliveries.jsonl, and returns that. */
  untilDeliveries<T>(judge: (deliveries: Delivery[]) => T | undefined, what: What, timeoutMs?: number): Promise<T>;
  /** Waits for a status written from now on that shows nothing pending: every outcome recorded, so no send
   *  is under way that could still deliver another copy (the later event a "delivered once" check needs). */
  untilNothingPending(timeoutMs?: number): Promise<StatusDocument>;
  /** Waits until a message with this subject has been delivered; returns how many copies arrived so far. */
  untilDeliveredSubject(subject: string, timeoutMs?: number): Promise<number>;
  testMessages(): Promise<number>;
  deliveredWithSubject(subject: string): Promise<number>;
  /** Every file under the rig's folders, for the secret scan. */
  allFiles(): Promise<string[]>;
  cleanup(): Promise<void>;
}

/** A line of the sandbox's deliveries.jsonl. */
export interface Delivery {
  time: string;
  from: string;
  sender?: string;
  to: string[];
  bcc: string[];
  subject: string;
  messageId: string;
  files: string[];
}

export async function rig(sandboxOptions: Parameters<typeof startTestSandbox>[0] = {}): Promise<Rig> {
  const dir = await tempDir('e2e');
  const root = dir.path;
  const conf = join(root, 'conf');
  const stateDir = join(root, 'state');
  await mkdir(conf);
  await writeFile(join(conf, 'password'), account.password, { mode: 0o600 });
  await writeFile(join(conf, 'wrong-password'), 'not-the-password', { mode: 0o600 });
  const sandbox = await startTestSandbox(sandboxOptions);
  const settings = join(conf, 'mail-settings.yaml');
  const agents: Child[] = [];
  const settingsText = (o: SettingsOptions = {}) => `${o.comment ? `# ${o.comment}\n` : ''}apiVersion: mail-agent/v1
kind: MailSettings
service: ews
message:
  from: ${account.email}
  charset: ${o.charset ?? 'utf-8'}
${o.message ?? ''}ews:
  url: ${sandbox.url}
  username: ${account.username.replace('\\', '\\\\')}
  password: { file: ./${o.passwordFile ?? 'password'} }
  auth: ntlm
${o.caFile === false ? '' : `  caFile: ${sandbox.caPath}\n`}${o.ews ?? ''}test:
  to: ${TestTo}
${o.extra ?? ''}`;
  const deliveries = () => sandbox.deliveries();
  // The default state dir (`mail-agent test` reads its digest key; send and status default to it) is the rig's
  // own, never the machine's (/var/lib/mail-agent as root).
  const defaultStateDir = { MAIL_AGENT_STATE_DIR: join(root, 'default-state') };
  const r: Rig = {
    root, settings, stateDir, statusPath: join(stateDir, 'status.json'), sandbox, settingsText,
    async write(o) {
      const text = settingsText(o);
      await writeFile(settings + '.tmp', text);
      const { rename } = await import('node:fs/promises');
      await rename(settings + '.tmp', settings);
      return text;
    },
    startAgent(extra = [], where = { config: settings, stateDir }, wrapper = []) {
      const child = spawnCli(['run', '--config', where.config, '--state-dir', where.stateDir, '--log-format', 'json', '--heartbeat', '500ms', ...extra], {}, { wrapper });
      agents.push(child);
      return child;
    },
    async cli(args) {
      const io = captureIo({ env: { ...defaultStateDir }, cwd: root });
      const code = await main(args, io);
      return { code, out: io.out(), err: io.err() };
    },
    shipped: (args, input) => runCli(args, { cwd: root, env: defaultStateDir, ...(input === undefined ? {} : { input }) }),
    untilStatus: (pred, what, timeoutMs = 20_000) => untilStatus(join(stateDir, 'status.json'), pred, what, timeoutMs),
    untilDeliveries: (judge, what, timeoutMs = 30_000) => untilFile(join(sandbox.dataDir, 'deliveries.jsonl'), (text) => judge(jsonLines<Delivery>(text)), what, timeoutMs),
    async untilNothingPending(timeoutMs = 30_000) {
      const now = (await readJson<StatusDocument>(join(stateDir, 'status.json')).catch(() => undefined))?.sequence ?? -1;
      return r.untilStatus((d) => d.sequence > now && d.queue.pending === 0, `nothing pending (in a status written after sequence ${now})`, timeoutMs);
    },
    untilDeliveredSubject: (subject, timeoutMs) => r.untilDeliveries((list) => {
      const n = list.filter((d) => d.subject === subject).length;
      return n > 0 ? n : undefined;
    }, () => `'${subject}' delivered; the agent said: ${agents.at(-1)?.output().slice(-2000) ?? '(no agent)'}`, timeoutMs),
    async testMessages() {
      return (await deliveries()).filter((d) => d.subject.startsWith('mail-agent test from')).length;
    },
    async deliveredWithSubject(subject) {
      return (await deliveries()).filter((d) => d.subject === subject).length;
    },
    async allFiles() {
      const out: string[] = [];
      const walk = async (d: string): Promise<void> => {
        for (const name of await readdir(d)) {
          const p = join(d, name);
          if ((await stat(p)).isDirectory()) await walk(p);
          else out.push(p);
        }
      };
      await walk(root);
      return out;
    },
    async cleanup() {
      for (const a of agents) await a.kill('SIGKILL');
      await sandbox.cleanup();
      await dir.cleanup();
    },
  };
  return r;
}

export async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}
