// The last attempts, newest first, capped (design §2: the last 5).
import type { HistoryEntry } from './model.ts';

export const HistoryLimit = 5;

export function pushHistory(history: readonly HistoryEntry[], entry: HistoryEntry, limit = HistoryLimit): HistoryEntry[] {
  return [entry, ...history].slice(0, limit);
}
