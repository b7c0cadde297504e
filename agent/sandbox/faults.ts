// Injected failures for EWS and Graph requests: `KIND:N` (the next N requests) or `KIND@P` (each with
// probability P). `expired` answers as if the bearer token had just expired (401 invalid_token).
import { AgentError, ErrorCodes } from '../errors.ts';

export const FAULT_KINDS = ['busy', 'unavailable', 'html500', 'reset', 'stall', 'badxml', 'connlimit', 'internal200', 'unknowncode', 'expired'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRule {
  kind: FaultKind;
  /** The next `count` requests fail (decremented as they do). */
  count?: number;
  /** Each request fails with this probability (0..1). */
  probability?: number;
  /** BackOffMilliseconds for `busy` (Retry-After, rounded up to seconds, for Graph). */
  backoffMs?: number;
  /** Only requests whose path holds this text (a Graph operation, e.g. "/send"); absent: every request. */
  match?: string;
}

function usage(why: string): AgentError {
  return new AgentError(ErrorCodes.Usage, `fault: ${why}`);
}

function isKind(value: unknown): value is FaultKind {
  return typeof value === 'string' && (FAULT_KINDS as readonly string[]).includes(value);
}

/** `busy:3`, `reset@0.1`. */
export function parseFaultSpec(spec: string, backoffMs?: number): FaultRule {
  const m = /^([a-z0-9]+)(?::(\d+)|@(0(?:\.\d+)?|1(?:\.0+)?))$/.exec(spec);
  if (!m || !isKind(m[1])) throw usage(`'${spec}' is not KIND:N or KIND@P with KIND one of ${FAULT_KINDS.join(', ')}`);
  return m[2] !== undefined ? { kind: m[1], count: Number(m[2]), backoffMs } : { kind: m[1], probability: Number(m[3]), backoffMs };
}

/** A rule from JSON (POST /sandbox/faults, setFaults()): checked, since it comes from outside. */
export function checkFaultRule(value: unknown): FaultRule {
  const r = value as Partial<Record<keyof FaultRule, unknown>> | null;
  if (typeof r !== 'object' || r === null || !isKind(r.kind)) throw usage(`kind must be one of ${FAULT_KINDS.join(', ')}`);
  const count = r.count;
  const probability = r.probability;
  const backoffMs = r.backoffMs;
  if (count !== undefined && (!Number.isInteger(count) || (count as number) < 0)) throw usage('count must be a whole number');
  if (probability !== undefined && (typeof probability !== 'number' || probability < 0 || probability > 1)) throw usage('probability must be within 0..1');
  if ((count === undefined) === (probability === undefined)) throw usage('give exactly one of count and probability');
  if (backoffMs !== undefined && (!Number.isInteger(backoffMs) || (backoffMs as number) < 0)) throw usage('backoffMs must be a whole number');
  if (r.match !== undefined && (typeof r.match !== 'string' || r.match === '')) throw usage('match must be a non-empty string');
  return { kind: r.kind, count: count as number | undefined, probability: probability, backoffMs: backoffMs as number | undefined,
    ...(r.match !== undefined ? { match: r.match } : {}) };
}

export class FaultInjector {
  #rules: FaultRule[] = [];

  readonly defaultBackoffMs: number;
  readonly random: () => number;

  constructor(rules: readonly FaultRule[] = [], defaultBackoffMs = 1000, random: () => number = Math.random) {
    this.defaultBackoffMs = defaultBackoffMs;
    this.random = random;
    this.set(rules);
  }

  set(rules: readonly FaultRule[]): void {
    this.#rules = rules.map((r) => ({ ...r }));
  }

  /** The fault for this request, if any (counted rules are used up in order). */
  next(path = ''): { kind: FaultKind; backoffMs: number } | undefined {
    for (const rule of this.#rules) {
      if (rule.match !== undefined && !path.includes(rule.match)) continue;
      if (rule.count !== undefined && rule.count > 0) {
        rule.count -= 1;
        return { kind: rule.kind, backoffMs: rule.backoffMs ?? this.defaultBackoffMs };
      }
      if (rule.probability !== undefined && this.random() < rule.probability) {
        return { kind: rule.kind, backoffMs: rule.backoffMs ?? this.defaultBackoffMs };
      }
    }
    return undefined;
  }
}
