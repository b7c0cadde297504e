// Durations as an operator writes them (flags, environment variables): `60s`, `500ms`, `2m`, `1h`, or a bare
// number of seconds.
import { AgentError, ErrorCodes } from '../errors.ts';

const Units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new AgentError(ErrorCodes.Usage, `${flag}: expected a duration like 60s, 500ms, 2m or 1h`);
  return Math.round(Number(match[1]) * (Units[match[2] ?? 's'] ?? 1000));
}
