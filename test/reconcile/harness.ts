// A reconciler on real files: the real loader, status writer, registry and the dry-run transport
// (a real transport of ours that writes each message as .eml). Verify failures are scripted per test.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../../agent/config/load.ts';
import { AgentError, type ErrorCode } from '../../agent/errors.ts';
import { Reconciler } from '../../agent/reconcile/reconciler.ts';
import { TestMessageRegistry } from '../../agent/reconcile/test-registry.ts';
import { initialStatus } from '../../agent/status/initial.ts';
import type { StatusDocument } from '../../agent/status/model.ts';
import { StatusWriter } from '../../agent/status/writer.ts';
import { DryRunTransport, type DryRunOptions } from '../helpers/dryrun/dryrun-transport.ts';
import type { PlannedFailure } from '../helpers/dryrun/failure-plan.ts';
import type { TransportInfo } from '../../agent/transports/transport.ts';
import { takeSnapshot } from '../../agent/watch/snapshot.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { tempDir } from '../helpers/temp-dir.ts';

export const settingsYaml = (extra = '', charset = 'utf-8') => `apiVersion: mail-agent/v1
kind: MailSettings
service: ews
message:
  charset: ${charset}
ews:
  url: https://127.0.0.1:9/EWS/Exchange.asmx
  username: TEST\\notify
  password: { file: ./password }
test:
  to: ops@example.test
${extra}`;

export const Password = 'Tr0ub4dor&3-harness';

/** Verify failures to play before verify succeeds. */
export class ScriptedVerify extends DryRunTransport {
  static plan: { code: ErrorCode; transient: boolean; backoffMs?: number }[] = [];
  /** Send failures planned on the next transport the factory makes. */
  static sendPlan: PlannedFailure[] = [];
  /** When set, the next verify hangs (a server that never answers) until its signal aborts. */
  static hangNext = false;
  /** The abort reason each hung verify saw. */
  static aborted: unknown[] = [];
  /** How many verifies are hanging now (waiting for their signal). */
  static hanging = 0;
  constructor(options: DryRunOptions) {
    super(options);
    for (const f of ScriptedVerify.sendPlan.splice(0)) this.failNext(f);
  }
  override verify(signal?: AbortSignal): Promise<TransportInfo> {
    if (ScriptedVerify.hangNext) {
      ScriptedVerify.hangNext = false;
      ScriptedVerify.hanging += 1;
      return new Promise((_resolve, reject) => signal?.addEventListener('abort', () => {
        ScriptedVerify.hanging -= 1;
        ScriptedVerify.aborted.push(signal.reason);
        reject(new AgentError('Timeout', 'cancelled', { transient: true }));
      }, { once: true }));
    }
    const next = ScriptedVerify.plan.shift();
    if (next) return Promise.reject(new AgentError(next.code, `scripted ${next.code}`, { transient: next.transient, ...(next.backoffMs ? { backoffMs: next.backoffMs } : {}) }));
    return super.verify();
  }
}

export interface Harness {
  root: string;
  settings: string;
  stateDir: string;
  outbox: string;
  reconciler: Reconciler;
  /** The reconciler's clock and timers (retries, the stop grace period): they move only when the test says. */
  clock: FakeClock;
  transports: ScriptedVerify[];
  write(text: string): Promise<void>;
  /** Snapshot the file, offer it, wait until the reconciler is idle. */
  sync(force?: boolean): Promise<string | undefined>;
  status(): Promise<StatusDocument>;
  sentCount(): Promise<number>;
  restart(): Promise<void>;
  cleanup(): Promise<void>;
}

export async function harness(): Promise<Harness> {
  const dir = await tempDir('reconcile');
  const root = dir.path;
  const conf = join(root, 'conf');
  const stateDir = join(root, 'state');
  const outbox = join(root, 'outbox');
  await Promise.all([mkdir(conf), mkdir(stateDir), mkdir(outbox)]);
  await writeFile(join(conf, 'password'), Password, { mode: 0o600 });
  const settings = join(conf, 'mail-settings.yaml');
  const transports: ScriptedVerify[] = [];
  ScriptedVerify.plan = [];
  ScriptedVerify.sendPlan = [];
  ScriptedVerify.hangNext = false;
  ScriptedVerify.aborted = [];
  ScriptedVerify.hanging = 0;
  const clock = new FakeClock(Date.now());
  const make = async () => {
    const status = new StatusWriter({ path: join(stateDir, 'status.json'), initial: initialStatus(settings, new Date()) });
    const registry = new TestMessageRegistry(stateDir);
    await registry.load();
    return new Reconciler({
      configPath: settings, stateDir, loadConfig, status, registry, env: {}, clock, timers: clock,
      backoff: { baseMs: 20, maxMs: 80 }, stopGraceMs: 50,
      createTransport: () => { const t = new ScriptedVerify({ dir: outbox }); transports.push(t); return Promise.resolve(t); },
    });
  };
  const h: Harness = {
    root, settings, stateDir, outbox, transports, clock,
    reconciler: await make(),
    write: (text) => writeFile(settings, text),
    async sync(force = false) {
      h.reconciler.offer(await takeSnapshot(settings, []), force);
      return h.reconciler.settled();
    },
    async status() { return JSON.parse(await readFile(join(stateDir, 'status.json'), 'utf8')) as StatusDocument; },
    async sentCount() { return (await readdir(outbox)).filter((n) => n.endsWith('.eml')).length; },
    async restart() { await h.reconciler.stop(); h.reconciler = await make(); },
    async cleanup() { await h.reconciler.stop(); await dir.cleanup(); },
  };
  return h;
}
