// What the running agent reports to a metrics sink, and what a sink may ask of it. Free of prom-client so
// the agent imports it at no cost; the Prometheus implementation is loaded only with --metrics-addr.
import type { InsecureCheck } from '../config/transport-security.ts';
import type { NotificationLogEntry } from '../notifications-log/entry.ts';
import type { AttemptResult } from '../reconcile/types.ts';
import type { StatusDocument } from '../status/model.ts';
import type { TransportInfo } from '../types/transport-info.ts';

export interface AgentObserver {
  /** One reconcile attempt ended; `reason` is the status file's reason for a failure. */
  attempt(result: AttemptResult, reason: string | undefined): void;
  /** A transport went live. */
  live(info: TransportInfo): void;
  /** Settings were loaded: the transport-security checks they switch off (none: an empty set). */
  insecureTransport(checks: ReadonlySet<InsecureCheck>): void;
  /** One delivery attempt's outcome, as logged. */
  delivery(entry: NotificationLogEntry): void;
}

/** Read-only view of the agent for /metrics, /healthz and /readyz. */
export interface AgentView {
  /** The status document as last updated (in memory, not re-read from disk). */
  status(): StatusDocument;
  /** Spool counts; undefined before the delivery worker started. */
  queueCounts(): Promise<StatusDocument['queue'] | undefined>;
  /** False once the agent is stopping. */
  running(): boolean;
}
