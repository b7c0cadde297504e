// `status --wait`: poll the status file until the verdict is final or the time is up. A missing,
// unreadable or stale file is waited for (the agent may be starting); only at the end does it count.
import { setTimeout as sleep } from 'node:timers/promises';
import { systemClock, type Clock } from '../../clock.ts';
import type { StatusDocument } from '../../status/model.ts';
import { readStatus } from '../../status/read.ts';
import { staleness } from '../../status/staleness.ts';
import { judge, type Verdict, type WaitMemory, type WaitTarget } from './verdict.ts';

export type WaitOutcome =
  | Exclude<Verdict, { kind: 'pending' }>
  | { kind: 'timeout'; revision: string | undefined }
  | { kind: 'unavailable'; why: string };

export interface WaitOptions {
  statusPath: string;
  target: WaitTarget;
  timeoutMs: number;
  pollMs?: number;
  clock?: Clock;
  sleep?: (ms: number) => Promise<unknown>;
  /** After each poll that did not end the wait: what was seen (for a progress line). */
  onProgress?(progress: WaitProgress): void;
}

export interface WaitProgress {
  elapsedMs: number;
  /** The document read, when it was readable. */
  doc?: StatusDocument;
  /** Why the file does not count yet (missing, unreadable, stale). */
  unavailable?: string;
}

export interface WaitResult {
  outcome: WaitOutcome;
  /** The last document read, if any. */
  doc?: StatusDocument;
}

export async function waitForRevision(options: WaitOptions): Promise<WaitResult> {
  const clock = options.clock ?? systemClock;
  const pause = options.sleep ?? sleep;
  const pollMs = options.pollMs ?? 200;
  const deadline = clock.now() + options.timeoutMs;
  const memory: WaitMemory = { seen: false };
  for (;;) {
    const read = await readStatus(options.statusPath);
    let unavailable: string | undefined;
    let doc: StatusDocument | undefined;
    if (read.kind === 'missing') unavailable = `status file ${options.statusPath} does not exist`;
    else if (read.kind === 'unreadable') unavailable = `status file ${options.statusPath} is unreadable (${read.why})`;
    else {
      doc = read.doc;
      const age = staleness(doc, new Date(clock.now()));
      if (age !== undefined) unavailable = `status file ${options.statusPath} is stale: last written ${Math.round(age / 1000)} s ago (agent pid ${doc.agent.pid} not running?)`;
      else {
        const verdict = judge(doc, options.target, memory);
        if (verdict.kind !== 'pending') return { outcome: verdict, doc };
      }
    }
    const left = deadline - clock.now();
    if (left <= 0) {
      const outcome: WaitOutcome = unavailable !== undefined
        ? { kind: 'unavailable', why: unavailable }
        : { kind: 'timeout', revision: options.target.revision ?? doc?.observedRevision ?? undefined };
      return doc ? { outcome, doc } : { outcome };
    }
    options.onProgress?.({ elapsedMs: options.timeoutMs - left, ...(doc ? { doc } : {}), ...(unavailable !== undefined ? { unavailable } : {}) });
    await pause(Math.min(pollMs, left));
  }
}
