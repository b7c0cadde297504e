// A settings file's revision is what `sha256sum` prints for its bytes, prefixed: a pipeline can compute the
// one it waits for (README "Revision and settings digest").
import { createHash } from 'node:crypto';

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function revisionOf(bytes: Buffer | string): string {
  return `sha256:${sha256Hex(bytes)}`;
}

const RevisionPattern = /^(?:sha256:)?([0-9a-f]{64})$/i;

/** `sha256:<hex>` from either that form or bare hex; undefined when it is neither. */
export function normalizeRevision(text: string): string | undefined {
  const match = RevisionPattern.exec(text.trim());
  return match ? 'sha256:' + match[1]!.toLowerCase() : undefined;
}

/** The first 12 hex digits, for people and logs; `-` when there is none. */
export function shortRevision(revision: string | null | undefined): string {
  return revision ? revision.replace(/^sha256:/, '').slice(0, 12) : '-';
}
