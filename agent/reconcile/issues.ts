// Loader issues as the status file lists them (no file name, no code: the reason says which kind).
import type { ConfigIssue } from '../config/settings.ts';
import type { StatusIssue } from '../status/model.ts';

export function toStatusIssues(issues: readonly ConfigIssue[]): StatusIssue[] {
  return issues.map(({ path, keyword, line, column, message }) => ({ path, keyword, line, column, message }));
}
