// Human-readable renderings of a status document and of a wait's outcome (stdout of `mail-agent status`).
import { shortRevision as short } from '../../config/revision.ts';
import { issueLine } from '../../status/issue-line.ts';
import { findCondition, type ConditionStatus, type StatusDocument } from '../../status/model.ts';
import { plainStyle, type Style } from '../style.ts';
import type { WaitOutcome } from './wait.ts';

/** A condition's status, coloured: True green, False red, Unknown yellow (when `style` colours). */
function paintStatus(status: ConditionStatus, style: Style, text: string = status): string {
  return status === 'True' ? style.ok(text) : status === 'False' ? style.bad(text) : style.warn(text);
}

export function formatStatus(doc: StatusDocument, style: Style = plainStyle): string {
  const ready = findCondition(doc, 'Ready');
  const lines = [
    ready ? `${style.bold(paintStatus(ready.status, style, ready.status === 'True' ? 'Ready' : 'Not Ready'))}: ${ready.reason} (${short(ready.observedRevision)}) ${ready.message}` : style.warn('Ready: Unknown'),
    `source:   ${doc.source.path} (${short(doc.source.revision)})`,
    `observed: ${short(doc.observedRevision)}   written ${doc.writtenAt} by pid ${doc.agent.pid} on ${doc.agent.host}`,
  ];
  if (doc.lastApplied) {
    const t = doc.lastApplied.transport;
    lines.push(`live:     ${short(doc.lastApplied.revision)} ${t.service} ${t.endpoint}${t.serverVersion ? ` (${t.serverVersion})` : t.client ? ` via ${t.client}` : ''}${t.store ? `, ${t.store} store` : ''} since ${doc.lastApplied.at}`);
  }
  if (doc.lastAttempted) {
    const a = doc.lastAttempted;
    lines.push(`attempt:  ${short(a.revision)} ${a.outcome} (${a.reason}) at ${a.at} in ${a.durationMs} ms`);
  }
  lines.push('conditions:');
  for (const c of doc.conditions) lines.push(`  ${c.type.padEnd(20)} ${paintStatus(c.status, style, c.status.padEnd(7))} ${c.reason}: ${c.message} ${style.dim(`[${short(c.observedRevision)}]`)}`);
  lines.push(...rejectionLines(doc).map((l, i) => (i === 0 ? style.bad(l) : l)));
  const f = doc.failures;
  lines.push(`failures: ${f.consecutive} consecutive, ${f.total} total${f.nextRetryAt ? `, next retry ${f.nextRetryAt}` : ''}`);
  const q = doc.queue;
  lines.push(`queue:    ${q.pending} pending, ${q.delivered} delivered, ${q.failed} failed${q.oldestPendingAgeSeconds ? `, oldest ${q.oldestPendingAgeSeconds} s` : ''}`);
  const p = doc.submission;
  if (p) {
    const how = [p.tls ? 'STARTTLS' : '', p.auth ? 'AUTH' : ''].filter(Boolean).join(', ') || 'loopback, no AUTH';
    lines.push(p.state === 'Listening'
      ? `smtp in:  listening on ${p.address ?? p.listen} (${how}) since ${p.since}`
      : style.bad(`smtp in:  not listening on ${p.listen}: ${p.reason ?? 'Failed'}: ${p.message ?? ''}`));
  }
  return lines.join('\n');
}

function rejectionLines(doc: StatusDocument): string[] {
  const r = doc.lastRejected;
  if (!r) return [];
  return [`rejected: ${short(r.revision)} ${r.reason} at ${r.at}`, ...r.errors.map((e) => `  ${issueLine(doc.source.path, e)}`)];
}

export function formatOutcome(outcome: WaitOutcome, doc: StatusDocument | undefined, waited = true, style: Style = plainStyle): string {
  const text = plainOutcome(outcome, doc, waited);
  const colon = text.indexOf(':');
  const paint = outcome.kind === 'converged' ? style.ok : outcome.kind === 'timeout' || outcome.kind === 'superseded' ? style.warn : style.bad;
  return style.bold(paint(text.slice(0, colon))) + text.slice(colon);
}

function plainOutcome(outcome: WaitOutcome, doc: StatusDocument | undefined, waited: boolean): string {
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
