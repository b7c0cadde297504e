// The last attempts, newest first, capped (the status file keeps the last 5: docs/agent.md "The status file").
import type { HistoryEntry } from './model.ts';

export const HistoryLimit = 5;

export function pushHistory(history: readonly HistoryEntry[], entry: HistoryEntry, limit = HistoryLimit): HistoryEntry[] {
  return [entry, ...history].slice(0, limit);
}
