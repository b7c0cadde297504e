// Size-based rotation names: notifications.log, notifications.log.1 (newer) … .N (oldest kept).

export function rotatedName(base: string, index: number): string {
  return index === 0 ? base : `${base}.${index}`;
}

/** Newest first: the live file, then .1, .2, … */
export function filesNewestFirst(base: string, keep: number): string[] {
  return Array.from({ length: keep + 1 }, (_, i) => rotatedName(base, i));
}
