// What `mail-agent run` wires up: the spool, the outgoing-notifications log and the delivery worker of a
// state dir, in one call. The agent calls wake() when a transport becomes live or is replaced, reads
// counts() into the status file's `queue`, and stop()s it on shutdown (in-flight sends finish).
import type { NotificationLogEntry } from '../notifications-log/entry.ts';
import { NotificationsLogWriter, type LogWriterOptions } from '../notifications-log/log-writer.ts';
import { statePaths } from '../state/layout.ts';
import type { Transport } from '../transports/transport.ts';
import type { RecoveryReport } from './spool-recovery.ts';
import type { SpoolCounts } from './spool-types.ts';
import { Spool } from './spool.ts';
import { DeliveryWorker, type DeliveryWorkerOptions } from './worker.ts';

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
