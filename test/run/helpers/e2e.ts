// End-to-end rig: a real sandbox (HTTPS, NTLM), real settings files, the real agent as a child process,
// and `mail-agent status` / `send` driven through main().
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { main } from '../../../agent/cli/main.ts';
import type { StatusDocument } from '../../../agent/status/model.ts';
import { captureIo } from '../../helpers/io.ts';
import { spawnTs, type Child } from '../../helpers/child.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
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
  cli(args: string[]): Promise<{ code: number; out: string; err: string }>;
  /** Polls the status file until `pred` holds (or throws after timeoutMs). */
  untilStatus(pred: (doc: StatusDocument) => boolean, what: string, timeoutMs?: number): Promise<StatusDocument>;
  testMessages(): Promise<number>;
  deliveredWithSubject(subject: string): Promise<number>;
  /** Every file under the rig's folders, for the secret scan. */
  allFiles(): Promise<string[]>;
  cleanup(): Promise<void>;
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
      const child = spawnTs('agent/cli/bin.ts', ['run', '--config', where.config, '--state-dir', where.stateDir, '--log-format', 'json', '--heartbeat', '500ms', ...extra], {}, 'ignore', wrapper);
      agents.push(child);
      return child;
    },
    async cli(args) {
      const io = captureIo({ env: {}, cwd: root });
      const code = await main(args, io);
      return { code, out: io.out(), err: io.err() };
    },
    async untilStatus(pred, what, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const doc = await readJson<StatusDocument>(join(stateDir, 'status.json')).catch(() => undefined);
        if (doc && pred(doc)) return doc;
        if (Date.now() > deadline) throw new Error(`status never showed ${what}: ${JSON.stringify(doc?.conditions)}`);
        await new Promise((res) => setTimeout(res, 50));
      }
    },
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
