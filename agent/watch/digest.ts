// Revisions are what `sha256sum` prints, prefixed: a pipeline can compute the one it waits for.
import { createHash } from 'node:crypto';

export function revisionOf(bytes: Buffer | string): string {
  return 'sha256:' + createHash('sha256').update(bytes).digest('hex');
}

const RevisionPattern = /^(?:sha256:)?([0-9a-f]{64})$/i;

/** `sha256:<hex>` from either that form or bare hex; undefined when it is neither. */
export function normalizeRevision(text: string): string | undefined {
  const match = RevisionPattern.exec(text.trim());
  return match ? 'sha256:' + match[1]!.toLowerCase() : undefined;
}
