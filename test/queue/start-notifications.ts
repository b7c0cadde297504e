// The spool, the outgoing-notifications log and the delivery worker of a state dir, wired in one call as
// run/agent.ts wires them: wake() when a transport becomes live or is replaced, counts() for the status
// file's `queue`, stop() on shutdown (in-flight sends finish). A test helper (it was agent/queue/
// notifications.ts, which the agent never used).
import type { NotificationLogEntry } from '../../agent/notifications-log/entry.ts';
import { NotificationsLogWriter, type LogWriterOptions } from '../../agent/notifications-log/log-writer.ts';
import { statePaths } from '../../agent/state/layout.ts';
import type { Transport } from '../../agent/transports/transport.ts';
import type { RecoveryReport } from '../../agent/queue/spool-recovery.ts';
import type { SpoolCounts } from '../../agent/queue/spool-types.ts';
import { Spool } from '../../agent/queue/spool.ts';
import { DeliveryWorker, type DeliveryWorkerOptions } from '../../agent/queue/worker.ts';

export interface NotificationsOptions extends Omit<DeliveryWorkerOptions, 'spool' | 'log'> {
  stateDir: string;
  log?: LogWriterOptions;
}

export interface Notifications {
  recovery: RecoveryReport;
  wake(): void;
  counts(): Promise<SpoolCounts>;
  stop(): Promise<void>;
}

export async function startNotifications(options: NotificationsOptions): Promise<Notifications> {
  const { stateDir, log, ...workerOptions } = options;
  const spool = await Spool.open(stateDir);
  const writer = new NotificationsLogWriter(statePaths(stateDir).notificationsLog, log);
  const worker = new DeliveryWorker({ ...workerOptions, spool, log: writer });
  const recovery = await worker.start();
  return { recovery, wake: () => worker.wake(), counts: () => worker.counts(), stop: () => worker.stop() };
}

export type { NotificationLogEntry, Transport };
