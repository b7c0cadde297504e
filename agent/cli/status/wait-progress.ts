// `status --wait` on a terminal: one line on stderr, rewritten in place, saying what it waits for and
// what the agent shows meanwhile; erased when the wait ends so that stdout's verdict stands alone.
import type { Writable } from 'node:stream';
import type { Style } from '../style.ts';
import { shortRevision as short } from '../../config/revision.ts';
import { findCondition } from '../../status/model.ts';
import type { WaitProgress } from './wait.ts';

export function describeWait(revision: string | undefined, p: WaitProgress): string {
  const target = revision ? `revision ${short(revision)}` : 'the current revision';
  const seconds = `${Math.floor(p.elapsedMs / 1000)} s`;
  if (p.unavailable !== undefined || !p.doc) return `waiting for ${target} (${seconds}): ${p.unavailable ?? 'no status yet'}`;
  const ready = findCondition(p.doc, 'Ready');
  const reconciling = findCondition(p.doc, 'Reconciling');
  const doing = reconciling?.status === 'True' ? `, ${reconciling.message}` : '';
  const retry = p.doc.failures.nextRetryAt ? `, retry at ${p.doc.failures.nextRetryAt}` : '';
  return `waiting for ${target} (${seconds}): agent observes ${short(p.doc.observedRevision)}, Ready ${ready?.status ?? 'Unknown'} ${ready?.reason ?? ''}${doing}${retry}`.trimEnd();
}

export interface ProgressLine {
  show(text: string): void;
  clear(): void;
}

/** A self-erasing line; does nothing unless `enabled` and `stream` is a terminal. */
export function progressLine(stream: Writable & { isTTY?: boolean; columns?: number }, style: Style, enabled = true): ProgressLine {
  if (!enabled || stream.isTTY !== true) return { show: () => undefined, clear: () => undefined };
  let shown = false;
  return {
    show(text) {
      const width = Math.max(20, (stream.columns ?? 80) - 1);
      stream.write(`\r\x1b[2K${style.dim(text.length > width ? text.slice(0, width - 1) + '…' : text)}`);
      shown = true;
    },
    clear() {
      if (shown) stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}
