// Kubernetes condition semantics: lastTransitionTime moves only when `status` changes.
import type { Condition, ConditionStatus, ConditionType } from './model.ts';
import { ConditionTypes } from './model.ts';

export interface ConditionUpdate {
  type: ConditionType;
  status: ConditionStatus;
  reason: string;
  message: string;
  observedRevision: string | null;
}

/** The conditions with `update` applied, in the canonical order. */
export function setCondition(conditions: readonly Condition[], update: ConditionUpdate, now: string): Condition[] {
  const previous = conditions.find((c) => c.type === update.type);
  const lastTransitionTime = previous && previous.status === update.status ? previous.lastTransitionTime : now;
  const next = conditions.filter((c) => c.type !== update.type);
  next.push({ ...update, lastTransitionTime });
  return sortConditions(next);
}

export function removeCondition(conditions: readonly Condition[], type: ConditionType): Condition[] {
  return conditions.filter((c) => c.type !== type);
}

function sortConditions(conditions: Condition[]): Condition[] {
  return conditions.sort((a, b) => ConditionTypes.indexOf(a.type) - ConditionTypes.indexOf(b.type));
}
