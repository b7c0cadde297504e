// The running agent: state-dir lock, status writer with heartbeat, reconciler, watcher and delivery
// worker, wired together. `stop()` finishes the step in progress, writes the status and releases the lock.
import { dirname, join, resolve } from 'node:path';
import { systemClock, systemTimers, type Clock, type Timers } from '../clock.ts';
import { loadConfig } from '../config/load.ts';
import { insecureChecks, insecureTransport } from '../config/transport-security.ts';
import type { LoadedConfig } from '../config/settings.ts';
import type { AgentObserver, AgentView } from '../metrics/observer.ts';
import type { AgentLogger } from '../log/logger.ts';
import type { NotificationLogEntry } from '../notifications-log/entry.ts';
import { NotificationsLogWriter } from '../notifications-log/log-writer.ts';
import { Spool } from '../queue/spool.ts';
import { DeliveryWorker } from '../queue/worker.ts';
import { Reconciler } from '../reconcile/reconciler.ts';
import { TestMessageRegistry } from '../reconcile/test-registry.ts';
import type { AttemptResult } from '../reconcile/types.ts';
import { refuseSymlink } from '../state/atomic-write.ts';
import { digestKey } from '../state/digest-key.ts';
import { statePaths } from '../state/layout.ts';
import { ensurePrivateStateDir } from '../state/private-dir.ts';
import { deliveryOutcome, isDeliveryTrouble } from '../status/delivery-health.ts';
import { initialStatus } from '../status/initial.ts';
import type { StatusDocument } from '../status/model.ts';
import { assertOutsideWatched } from '../status/placement.ts';
import { StatusWriter } from '../status/writer.ts';
import { SubmissionPort } from '../submission/port.ts';
import { SharedPauses } from '../throttle/shared-pauses.ts';
import type { CreateTransport, TransportDeps } from '../transports/factory-contract.ts';
import { SettingsWatcher } from '../watch/settings-watcher.ts';
import { takeSnapshot } from '../watch/snapshot.ts';
import { acquireStateLock, type StateLock } from './lock.ts';

/** Notifications in flight at once, claimed in batches of up to 100 (one in-flight journal fsync each): a few
 *  batches in flight keep the server busy while the agent records the previous batch and reads the next.
 *  The EWS transport groups the sends waiting for a connection into CreateItems. */
const DELIVERY_CONCURRENCY = 400;

export interface AgentOptions {
  configPath: string;
  statusPath: string;
  stateDir: string;
  log: AgentLogger;
  createTransport: CreateTransport;
  transportDeps?: TransportDeps;
  heartbeatMs?: number;
  pollMs?: number;
  debounceMs?: number;
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  timers?: Timers;
  /** Metrics sink (--metrics-addr). */
  observer?: AgentObserver;
}

interface Parts {
  lock: StateLock;
  status: StatusWriter;
  reconciler: Reconciler;
  watcher?: SettingsWatcher;
  worker?: DeliveryWorker;
  submission?: SubmissionPort;
}

export class Agent {
  private readonly options: AgentOptions;
  private readonly parts: Parts;
  private stopping: Promise<void> | undefined;
  private queueRefresh: unknown;
  /** The delivery trouble TransportReady shows (code and reason), so repeats and successes write only on change. */
  private shownTrouble: string | undefined;

  private constructor(options: AgentOptions, parts: Parts) {
    this.options = options;
    this.parts = parts;
  }

  /** Prepares the state dir and status file (refusing unsafe places) and takes the lock. */
  static async prepare(options: AgentOptions): Promise<Agent> {
    assertOutsideWatched(options.statusPath, 'the status file', [options.configPath]);
    assertOutsideWatched(join(options.stateDir, 'status.json'), 'the state dir', [options.configPath]);
    // Refused before anything is read from it: a state dir someone else can write into is not ours.
    await ensurePrivateStateDir(options.stateDir, [], { deep: true });
    await refuseSymlink(options.statusPath);
    const lock = await acquireStateLock(options.stateDir);
    try {
      const key = await digestKey(options.stateDir);
      const clock = options.clock ?? systemClock;
      const status = new StatusWriter({
        // In the state dir (0700) nobody else can reach it anyway: 0600 like every other state file.
        ...(dirname(resolve(options.statusPath)) === resolve(options.stateDir) ? { mode: 0o600 } : {}),
        path: options.statusPath, initial: initialStatus(options.configPath, new Date(clock.now())), clock,
        timers: options.timers ?? systemTimers, ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
        onError: (err) => { options.log.error('writing the status file failed', { error: messageOf(err) }); },
      });
      await status.flush();
      const registry = new TestMessageRegistry(options.stateDir);
      await registry.load();
      // The reconciler's callbacks reach the agent built right after it.
      const ref: { agent?: Agent } = {};
      const reconciler = new Reconciler({
        configPath: options.configPath, stateDir: options.stateDir, status, registry,
        loadConfig: (path, loadOptions) => loadConfig(path, { ...loadOptions, digestKey: key }),
        createTransport: options.createTransport, log: options.log, clock,
        // The transport sees the agent's environment (MAPI finds its helper there), like the loader does.
        // One book of server pauses for every transport: new settings for the same account and server
        // start paused (Exchange throttles per account).
        transportDeps: { pauses: new SharedPauses(), ...(options.env ? { env: options.env } : {}), ...options.transportDeps },
        ...(options.timers ? { timers: options.timers } : {}),
        ...(options.env ? { env: options.env } : {}),
        onLoaded: (config) => { ref.agent?.loaded(config); },
        ...(options.observer ? { onAttempt: options.observer.attempt.bind(options.observer) } : {}),
        onLive: (live) => {
          options.observer?.live(live.info);
          options.log.info('settings live', { revision: live.config.revision, endpoint: live.info.endpoint, serverVersion: live.info.serverVersion, client: live.info.client });
          // On every apply, not only the first: a journal read later still shows that TLS protection is off.
          for (const w of insecureTransport(live.config.warnings)) {
            options.log.warn('insecure transport', { revision: live.config.revision, setting: w.path, check: w.keyword, detail: w.message });
          }
          ref.agent?.parts.worker?.wake();
        },
      });
      ref.agent = new Agent(options, { lock, status, reconciler });
      return ref.agent;
    } catch (err) {
      await lock.release();
      throw err;
    }
  }

  /** `--once`: one reconcile of the file as it is now. */
  async once(): Promise<AttemptResult | undefined> {
    this.parts.reconciler.offer(await takeSnapshot(this.options.configPath, []));
    return this.parts.reconciler.settled();
  }

  /** Watches, reconciles and delivers until stop(). */
  async start(): Promise<void> {
    const { log } = this.options;
    const spool = await Spool.open(this.options.stateDir);
    this.parts.worker = new DeliveryWorker({
      spool,
      getTransport: () => this.parts.reconciler.liveTransport(),
      concurrency: DELIVERY_CONCURRENCY,
      describeTransport: () => { const live = this.parts.reconciler.liveSettings(); return live ? `${live.info.service} ${live.info.endpoint}` : 'transport'; },
      log: new NotificationsLogWriter(statePaths(this.options.stateDir).notificationsLog),
      onError: (err) => { log.error('delivery worker error', { error: messageOf(err) }); },
      onOutcome: (entry) => {
        this.options.observer?.delivery(entry);
        this.queueChanged();
        this.deliveryHealth(entry);
        this.followTransport();
      },
    });
    await this.parts.worker.start();
    this.queueChanged();
    this.parts.submission = this.submissionPort(spool);
    this.parts.watcher = new SettingsWatcher({
      path: this.options.configPath,
      onSnapshot: (snapshot, cause) => {
        log.debug('settings file read', { cause, kind: snapshot.kind });
        this.parts.reconciler.offer(snapshot, cause === 'SIGHUP');
      },
      onError: (err) => { log.warn('watch error', { error: messageOf(err) }); },
      ...(this.options.pollMs !== undefined ? { pollMs: this.options.pollMs } : {}),
      ...(this.options.debounceMs !== undefined ? { debounceMs: this.options.debounceMs } : {}),
    });
    await this.parts.watcher.start();
    this.parts.status.startHeartbeat(async (doc) => {
      const queue = await this.queueCounts();
      if (queue) doc.queue = queue;
      // App-only OAuth: the token refreshes by itself; the status shows when the one held now expires.
      const expires = this.parts.reconciler.liveTransport()?.tokenExpiresAt?.();
      if (expires && doc.lastApplied) doc.lastApplied.transport = { ...doc.lastApplied.transport, tokenExpiresAt: expires.toISOString() };
    });
  }

  /**
   * After a delivery: what the live transport learned since it was verified (the version it stepped down
   * to) goes to the status file's lastApplied.transport, the metrics and the journal.
   */
  private followTransport(): void {
    const live = this.parts.reconciler.followLiveInfo();
    if (!live) return;
    const { endpoint, serverVersion, serverBuild } = live.info;
    this.options.log.info('transport changed', { revision: live.config.revision, endpoint, serverVersion, serverBuild });
    this.options.observer?.live(live.info);
    this.parts.status.update((d) => {
      if (d.lastApplied?.revision === live.config.revision) d.lastApplied.transport = { ...d.lastApplied.transport, ...live.info, ...(d.lastApplied.transport.tokenExpiresAt ? { tokenExpiresAt: d.lastApplied.transport.tokenExpiresAt } : {}) };
    }).catch((err: unknown) => { this.options.log.error('status write failed', { error: messageOf(err) }); });
  }

  /** SIGHUP: read the file again and re-attempt it even if it failed for good before. */
  reread(): void {
    this.parts.watcher?.check(true, 'SIGHUP');
  }

  /** What /metrics, /healthz and /readyz read. */
  view(): AgentView {
    return { status: () => this.parts.status.current(), queueCounts: () => this.queueCounts(), running: () => this.stopping === undefined };
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    const { watcher, reconciler, worker, status, lock, submission } = this.parts;
    (this.options.timers ?? systemTimers).clearTimeout(this.queueRefresh);
    await watcher?.close();
    await submission?.stop();
    await reconciler.stop();
    await worker?.stop();
    const queue = await this.queueCounts().catch(() => undefined);
    await status.update((d) => { if (queue) d.queue = queue; }).catch(() => undefined);
    await status.close();
    await lock.release();
  }

  private loaded(config: LoadedConfig): void {
    this.options.log.secrets.add(config.secrets.password, config.secrets.token, config.secrets.clientSecret, config.secrets.certificate?.keyPem,
      ...(config.secrets.submission?.passwords.values() ?? []));
    this.options.observer?.insecureTransport(insecureChecks(config.warnings));
    this.parts.watcher?.setReferencedFiles(config.referencedFiles);
    // The port follows every valid file (it answers 451 until a transport is live).
    this.parts.submission?.apply(config).catch((err: unknown) => { this.options.log.error('submission port error', { error: messageOf(err) }); });
  }

  /** The SMTP submission port: it checks against the live settings' message options and wakes the worker. */
  private submissionPort(spool: Spool): SubmissionPort {
    const clock = this.options.clock;
    return new SubmissionPort({
      spool, log: this.options.log,
      live: () => {
        const live = this.parts.reconciler.liveSettings();
        return live ? { message: live.config.settings.message, ...(live.info.account ? { account: live.info.account } : {}) } : undefined;
      },
      onAccepted: () => {
        this.parts.worker?.wake();
        this.queueChanged();
      },
      onStatus: (port) => {
        this.parts.status.update((d) => { if (port) d.submission = port; else delete d.submission; })
          .catch((err: unknown) => { this.options.log.error('writing the status file failed', { error: messageOf(err) }); });
      },
      ...(clock ? { now: () => new Date(clock.now()) } : {}),
    });
  }

  /** Delivery-time trouble (an expired sign-in, a stuck Outbox) on TransportReady, cleared by the next delivery. */
  private deliveryHealth(entry: NotificationLogEntry): void {
    const trouble = isDeliveryTrouble(entry) ? `${entry.code ?? ''}: ${entry.reason ?? ''}` : undefined;
    if (trouble === this.shownTrouble || (trouble === undefined && entry.result !== 'delivered')) return;
    this.shownTrouble = trouble;
    void this.parts.status.update((d) => { deliveryOutcome(d, entry, entry.time); }).catch(() => undefined);
  }

  /** Queue counts go to the status soon after deliveries, at most once a second (and on every heartbeat). */
  private queueChanged(): void {
    if (this.queueRefresh !== undefined) return;
    this.queueRefresh = (this.options.timers ?? systemTimers).setTimeout(() => {
      this.queueRefresh = undefined;
      void this.queueCounts()
        .then((queue) => (queue ? this.parts.status.update((d) => { d.queue = queue; }) : undefined))
        .catch(() => undefined);
    }, 1000);
  }

  async queueCounts(): Promise<StatusDocument['queue'] | undefined> {
    if (!this.parts.worker) return undefined;
    const c = await this.parts.worker.counts();
    const age = c.oldestPendingAgeMs === undefined ? null : Math.round(c.oldestPendingAgeMs / 1000);
    return { pending: c.pending, delivered: c.delivered, failed: c.failed, oldestPendingAgeSeconds: age };
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : 'unknown failure';
}
