// The agent's Prometheus metrics (prom-client), on a registry of their own. Names follow Prometheus'
// conventions; `config_last_reload_*` mirror Prometheus' and Alertmanager's own gauges so existing
// alerts ("config reload failed") apply unchanged.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { InsecureChecks, type InsecureCheck } from '../config/transport-security.ts';
import { version as AgentVersion } from '../version.ts';
import type { NotificationLogEntry } from '../notifications-log/entry.ts';
import type { AttemptResult } from '../reconcile/types.ts';
import type { TransportInfo } from '../types/transport-info.ts';
import type { AgentObserver, AgentView } from './observer.ts';

const Successes: ReadonlySet<AttemptResult> = new Set(['ready', 'unchanged']);
const Failures: ReadonlySet<AttemptResult> = new Set(['rejected', 'stalled', 'retrying']);

export class AgentMetrics implements AgentObserver {
  readonly registry = new Registry();
  private view: AgentView | undefined;
  private readonly attempts = new Counter({ name: 'mail_agent_reconcile_attempts_total', help: 'Reconcile attempts that ended (applied, rejected or failed); abandoned ones and a missing file are not counted.', registers: [this.registry] });
  private readonly successes = new Counter({ name: 'mail_agent_reconcile_successes_total', help: 'Reconcile attempts that made the newest settings live (including comment-only changes).', registers: [this.registry] });
  private readonly failures = new Counter({ name: 'mail_agent_reconcile_failures_total', help: 'Reconcile attempts that failed, by reason (SchemaViolation, AuthFailed, ServerBusy, ...).', labelNames: ['reason'], registers: [this.registry] });
  private readonly reloadOk = new Gauge({ name: 'mail_agent_config_last_reload_successful', help: 'Whether the newest settings file was applied (1) or rejected / failed (0).', registers: [this.registry] });
  private readonly reloadTime = new Gauge({ name: 'mail_agent_config_last_reload_success_timestamp_seconds', help: 'When settings were last applied successfully (Unix time).', registers: [this.registry] });
  private readonly transport = new Gauge({ name: 'mail_agent_transport_info', help: 'The live transport (value 1): service, endpoint, auth, Exchange version.', labelNames: ['service', 'endpoint', 'auth', 'server_version', 'server_build'], registers: [this.registry] });
  private readonly insecure = new Gauge({
    name: 'mail_agent_insecure_transport',
    help: 'Whether the settings switch off a transport-security check (1) or not (0): check="certificates" (server certificates not verified), check="encryption" (plain http allowed). The status condition InsecureTransport says which setting.',
    labelNames: ['check'], registers: [this.registry],
  });
  private readonly deliveries = new Histogram({
    name: 'mail_agent_delivery_duration_seconds', help: 'Duration of each notification delivery attempt, by result (delivered, retry, failed).',
    labelNames: ['result'], buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], registers: [this.registry],
  });
  private readonly undelivered = new Counter({
    name: 'mail_agent_delivery_failures_total', help: 'Delivery attempts that did not deliver, by result (retry, failed) and error code (ServerBusy: the server throttled; MessageTooLarge: over its size limit; AuthExpired, StuckInOutbox: MAPI; ...).',
    labelNames: ['result', 'code'], registers: [this.registry],
  });

  constructor() {
    const view = () => this.view;
    this.insecureTransport(new Set());
    new Gauge({ name: 'mail_agent_build_info', help: 'The agent version (value 1).', labelNames: ['version'], registers: [this.registry] }).set({ version: AgentVersion }, 1);
    new Gauge({
      name: 'mail_agent_ready', help: 'Whether the Ready condition is True (the newest revision is live).', registers: [this.registry],
      collect() { const doc = view()?.status(); this.set(doc?.conditions.some((c) => c.type === 'Ready' && c.status === 'True') ? 1 : 0); },
    });
    new Gauge({
      name: 'mail_agent_queue_depth', help: 'Notifications waiting to be delivered.', registers: [this.registry],
      async collect() { const q = await view()?.queueCounts(); this.set(q?.pending ?? 0); },
    });
    new Gauge({
      name: 'mail_agent_queue_oldest_pending_age_seconds', help: 'Age of the oldest waiting notification (0 when none).', registers: [this.registry],
      async collect() { const q = await view()?.queueCounts(); this.set(q?.oldestPendingAgeSeconds ?? 0); },
    });
    new Gauge({
      name: 'mail_agent_notifications', help: 'Notifications in the spool by state (delivered and failed count since the spool was created).', labelNames: ['state'], registers: [this.registry],
      async collect() {
        const q = await view()?.queueCounts();
        for (const state of ['pending', 'delivered', 'failed'] as const) this.set({ state }, q?.[state] ?? 0);
      },
    });
    new Gauge({
      name: 'mail_agent_token_expiry_timestamp_seconds', help: 'App-only OAuth (Graph; EWS with client credentials): when the access token held now expires (Unix time; absent without one). The agent renews it before then.', registers: [this.registry],
      collect() {
        this.reset();
        const at = Date.parse(view()?.status().lastApplied?.transport.tokenExpiresAt ?? '');
        if (Number.isFinite(at)) this.set(at / 1000);
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: 'mail_agent_' });
  }

  /** The running agent the collectors read; set once it exists. */
  attach(view: AgentView): void {
    this.view = view;
  }

  attempt(result: AttemptResult, reason: string | undefined): void {
    if (Successes.has(result)) {
      this.attempts.inc();
      this.successes.inc();
      this.reloadOk.set(1);
      this.reloadTime.set(Date.now() / 1000);
    } else if (Failures.has(result)) {
      this.attempts.inc();
      this.failures.inc({ reason: reason ?? 'Unknown' });
      this.reloadOk.set(0);
    }
  }

  live(info: TransportInfo): void {
    this.transport.reset();
    this.transport.set({ service: info.service, endpoint: info.endpoint, auth: info.auth ?? '', server_version: info.serverVersion ?? '', server_build: info.serverBuild ?? '' }, 1);
  }

  insecureTransport(checks: ReadonlySet<InsecureCheck>): void {
    for (const check of InsecureChecks) this.insecure.set({ check }, checks.has(check) ? 1 : 0);
  }

  delivery(entry: NotificationLogEntry): void {
    this.deliveries.observe({ result: entry.result }, entry.durationMs / 1000);
    if (entry.result !== 'delivered') this.undelivered.inc({ result: entry.result, code: entry.code ?? 'Unknown' });
  }
}
