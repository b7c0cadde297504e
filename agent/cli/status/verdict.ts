// What a status document says about an awaited revision (`status --wait`, docs/agent.md "Waiting for a
// rollout"). Pure: the waiter polls, this decides. `seen` carries what earlier polls of the same wait observed.
import { findCondition, type StatusDocument } from '../../status/model.ts';

export type Verdict =
  | { kind: 'converged'; revision: string }
  | { kind: 'rejected'; revision: string }
  | { kind: 'stalled'; revision: string; reason: string; message: string }
  | { kind: 'superseded'; revision: string; by: string | null }
  | { kind: 'pending' };

export interface WaitTarget {
  /** The awaited revision; undefined = whatever revision the agent currently observes. */
  revision?: string;
  /** History entries older than this belong to an earlier push of the same bytes and are ignored. */
  since: Date;
}

export interface WaitMemory {
  /** True once the awaited revision was observed during this wait. */
  seen: boolean;
}

export function judge(doc: StatusDocument, target: WaitTarget, memory: WaitMemory): Verdict {
  const revision = target.revision ?? doc.observedRevision;
  if (revision === null || revision === undefined) return { kind: 'pending' };
  if (doc.observedRevision === revision) {
    memory.seen = true;
    return judgeCurrent(doc, revision);
  }
  const recent = doc.history.filter((h) => h.revision === revision && Date.parse(h.at) >= target.since.getTime());
  if (recent.length > 0) memory.seen = true;
  if (!memory.seen) return { kind: 'pending' };
  // Observed, then replaced by a newer file before it became Ready; a rejection stays a rejection.
  if (recent[0]?.outcome === 'Rejected') return { kind: 'rejected', revision };
  return { kind: 'superseded', revision, by: doc.observedRevision };
}

function judgeCurrent(doc: StatusDocument, revision: string): Verdict {
  const ready = findCondition(doc, 'Ready');
  if (ready?.status === 'True' && ready.observedRevision === revision) return { kind: 'converged', revision };
  if (doc.lastRejected?.revision === revision && doc.lastAttempted?.revision === revision && doc.lastAttempted.outcome === 'Rejected') {
    return { kind: 'rejected', revision };
  }
  const stalled = findCondition(doc, 'Stalled');
  if (stalled?.status === 'True' && stalled.observedRevision === revision) {
    return { kind: 'stalled', revision, reason: stalled.reason, message: stalled.message };
  }
  return { kind: 'pending' };
}
