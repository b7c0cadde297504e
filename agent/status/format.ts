// Human-readable renderings of a status document and of a wait's outcome (stdout of `mail-agent status`).
import { findCondition, type StatusDocument } from './model.ts';
import type { WaitOutcome } from './wait.ts';

export function short(revision: string | null | undefined): string {
  return revision ? revision.replace(/^sha256:/, '').slice(0, 12) : '-';
}

export function formatStatus(doc: StatusDocument): string {
  const lines = [
    `source:   ${doc.source.path} (${short(doc.source.revision)})`,
    `observed: ${short(doc.observedRevision)}   written ${doc.writtenAt} by pid ${doc.agent.pid} on ${doc.agent.host}`,
  ];
  if (doc.lastApplied) {
    const t = doc.lastApplied.transport;
    lines.push(`live:     ${short(doc.lastApplied.revision)} ${t.service} ${t.endpoint}${t.serverVersion ? ` (${t.serverVersion})` : t.client ? ` via ${t.client}` : ''} since ${doc.lastApplied.at}`);
  }
  if (doc.lastAttempted) {
    const a = doc.lastAttempted;
    lines.push(`attempt:  ${short(a.revision)} ${a.outcome} (${a.reason}) at ${a.at} in ${a.durationMs} ms`);
  }
  lines.push('conditions:');
  for (const c of doc.conditions) lines.push(`  ${c.type.padEnd(20)} ${c.status.padEnd(7)} ${c.reason}: ${c.message} [${short(c.observedRevision)}]`);
  lines.push(...rejectionLines(doc));
  const f = doc.failures;
  lines.push(`failures: ${f.consecutive} consecutive, ${f.total} total${f.nextRetryAt ? `, next retry ${f.nextRetryAt}` : ''}`);
  const q = doc.queue;
  lines.push(`queue:    ${q.pending} pending, ${q.delivered} delivered, ${q.failed} failed${q.oldestPendingAgeSeconds ? `, oldest ${q.oldestPendingAgeSeconds} s` : ''}`);
  return lines.join('\n');
}

function rejectionLines(doc: StatusDocument): string[] {
  const r = doc.lastRejected;
  if (!r) return [];
  return [`rejected: ${short(r.revision)} ${r.reason} at ${r.at}`,
    ...r.errors.map((e) => `  ${doc.source.path}:${e.line}:${e.column}: ${e.path || '/'}: ${e.message}`)];
}

export function formatOutcome(outcome: WaitOutcome, doc: StatusDocument | undefined, waited = true): string {
  switch (outcome.kind) {
    case 'converged': {
      const t = doc?.lastApplied?.transport;
      return `Ready: ${outcome.revision} is live${t ? ` (${t.service} ${t.endpoint})` : ''}`;
    }
    case 'rejected':
      return [`Rejected: ${outcome.revision} ${doc?.lastRejected?.reason ?? ''}`.trimEnd(), ...(doc ? rejectionLines(doc).slice(1) : [])].join('\n');
    case 'stalled':
      return `Stalled: ${outcome.revision} ${outcome.reason}: ${outcome.message}`;
    case 'superseded':
      return `Superseded: ${outcome.revision} was replaced by ${outcome.by ?? 'a newer file'} before it became Ready`;
    case 'timeout': {
      const ready = doc ? findCondition(doc, 'Ready') : undefined;
      if (!waited) return `Not Ready: ${outcome.revision ?? '-'}${ready ? ` (Ready ${ready.status} ${ready.reason}: ${ready.message})` : ''}`;
      return `Timeout: ${outcome.revision ?? 'the current revision'} did not converge (agent observes ${short(doc?.observedRevision)}${ready ? `, Ready ${ready.status} ${ready.reason}` : ''})`;
    }
    case 'unavailable':
      return `Unavailable: ${outcome.why}`;
  }
}
