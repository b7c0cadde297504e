// Waiting on the agent's status file: read again on every write (atomic: a rename in its folder) until it shows
// what the test waits for.
import type { StatusDocument } from '../../agent/status/model.ts';
import { untilFile } from './wait.ts';

export function parseStatus(text: string | undefined): StatusDocument | undefined {
  try {
    return text === undefined ? undefined : JSON.parse(text) as StatusDocument;
  } catch {
    return undefined;
  }
}

/** Resolves with the first status document at `path` that satisfies `pred`. */
export async function untilStatus(path: string, pred: (doc: StatusDocument) => boolean, what: string, timeoutMs = 20_000): Promise<StatusDocument> {
  let last: StatusDocument | undefined;
  return untilFile(path, (text) => {
    const doc = parseStatus(text);
    last = doc ?? last;
    return doc && pred(doc) ? doc : undefined;
  }, () => `the status to show ${what} (conditions: ${JSON.stringify(last?.conditions)})`, timeoutMs);
}

/** Resolves once the status file has been written again after `sequence` (e.g. the next heartbeat). */
export function untilWrittenAfter(path: string, sequence: number, timeoutMs = 20_000): Promise<StatusDocument> {
  return untilStatus(path, (doc) => doc.sequence > sequence, `a write after sequence ${sequence}`, timeoutMs);
}
