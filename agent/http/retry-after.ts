// Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date, as milliseconds from `now`.
export function retryAfterMs(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  // Only the IMF-fixdate family parses as a date here (not a bare number or garbage); a past date means now.
  if (!Number.isFinite(at) || !/[A-Za-z]/.test(text)) return undefined;
  return Math.max(0, at - now);
}
