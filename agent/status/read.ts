// Reading the status file as another process does: it may be missing (agent starting) or not ours.
import { readFile } from 'node:fs/promises';
import type { StatusDocument } from './model.ts';

export type StatusRead =
  | { kind: 'ok'; doc: StatusDocument }
  | { kind: 'missing' }
  | { kind: 'unreadable'; why: string };

export async function readStatus(path: string): Promise<StatusRead> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'unreadable', why: code ?? 'read failed' };
  }
  return parseStatus(text);
}

export function parseStatus(text: string): StatusRead {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'unreadable', why: 'not JSON' };
  }
  if (!isStatusShape(value)) return { kind: 'unreadable', why: 'not a mail-agent status document' };
  return { kind: 'ok', doc: value };
}

function isStatusShape(value: unknown): value is StatusDocument {
  if (typeof value !== 'object' || value === null) return false;
  const doc = value as Partial<StatusDocument>;
  return doc.apiVersion === 'mail-agent/v1' && doc.kind === 'MailSettingsStatus'
    && Array.isArray(doc.conditions) && Array.isArray(doc.history) && typeof doc.writtenAt === 'string';
}
