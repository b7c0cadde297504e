// The status file's default place: beside the other state (never beside the watched settings file).
import { join, resolve } from 'node:path';

export function resolveStatusPath(flag: string | undefined, stateDir: string, cwd: string): string {
  return flag ? resolve(cwd, flag) : join(stateDir, 'status.json');
}
