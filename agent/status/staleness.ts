// A status file is stale when its heartbeat is overdue: the agent that wrote it is gone or hung.
import type { StatusDocument } from './model.ts';

/** Missed heartbeats tolerated before the file counts as stale. */
export const StaleAfterHeartbeats = 3;
const DefaultHeartbeatSeconds = 30;

export function staleAfterMs(doc: StatusDocument): number {
  return StaleAfterHeartbeats * 1000 * (doc.agent.heartbeatSeconds ?? DefaultHeartbeatSeconds);
}

/** Milliseconds since the last write when stale, else undefined. */
export function staleness(doc: StatusDocument, now: Date): number | undefined {
  const age = now.getTime() - Date.parse(doc.writtenAt);
  if (Number.isNaN(age)) return Number.POSITIVE_INFINITY;
  return age > staleAfterMs(doc) ? age : undefined;
}
