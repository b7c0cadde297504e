// One error of a rejected file as `mail-agent status` prints it and the agent logs it.
import type { StatusIssue } from './model.ts';

/** `FILE:LINE:COL: POINTER: message` */
export function issueLine(file: string, e: StatusIssue): string {
  return `${file}:${e.line}:${e.column}: ${e.path || '/'}: ${e.message}`;
}
