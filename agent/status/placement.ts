// The agent must never write into a directory it watches: its own writes would look like settings
// changes (and a status file next to the settings ends up in Git or a ConfigMap). Refused at startup.
import { realpathSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { AgentError, ErrorCodes } from '../errors.ts';

/** The real path of `path`, resolving symlinks of its nearest existing ancestor. */
function realish(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    const parent = dirname(absolute);
    return parent === absolute ? absolute : resolve(realish(parent), absolute.slice(parent.length + 1));
  }
}

function same(dir: string, candidate: string): boolean {
  return relative(dir, candidate) === '';
}

/**
 * Throws a Usage error when `output` (a file the agent writes) lies in the directory of a watched file,
 * either as given or after resolving symlinks (a Kubernetes volume's `..data` target, for instance).
 * Subfolders are allowed: the agent watches that folder one level deep only (`npm start` keeps its
 * state in ./.state beside config.example.yaml).
 */
export function assertOutsideWatched(output: string, what: string, watchedFiles: readonly string[]): void {
  const outDirs = [dirname(resolve(output)), dirname(realish(output))];
  for (const watched of watchedFiles) {
    const watchedDirs = [dirname(resolve(watched)), dirname(realish(watched))];
    if (watchedDirs.some((w) => outDirs.some((o) => same(w, o)))) {
      throw new AgentError(ErrorCodes.Usage,
        `${what} ${output} is inside the watched directory ${dirname(resolve(watched))}: the agent would trigger itself. Put it elsewhere (see --status / --state-dir).`);
    }
  }
}
