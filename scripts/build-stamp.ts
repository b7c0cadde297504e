// What dist/ was built from: the Node version (V8 accepts a code cache only from its own version, so the
// vendor bundles' caches belong to the Node that ran the build) and a digest of every input of the build.
// scripts/build.ts writes it; the test runner rebuilds when it does not match, and the shipped-build test
// checks it, so the suite runs the build a user would get from these sources on this Node.
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The build's inputs, relative to the repository: folders are read whole. */
const inputs = ['agent', 'schemas', 'scripts', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];

export interface BuildStamp {
  node: string;
  sources: string;
}

export const stampFile = (dist: string): string => path.join(dist, 'build-stamp.json');

/** The files at `relative` (itself, or those under it); none when it is absent. */
async function* filesUnder(relative: string): AsyncGenerator<string> {
  const entries = await readdir(path.join(repoRoot, relative), { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOTDIR' || error.code === 'ENOENT') return error.code;
    throw error;
  });
  if (entries === 'ENOENT') return;
  if (entries === 'ENOTDIR') { yield relative; return; }
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) yield* filesUnder(path.posix.join(relative, entry.name));
}

/** The stamp a build of the working tree by this Node would write. */
export async function currentStamp(): Promise<BuildStamp> {
  const hash = createHash('sha256');
  for (const input of inputs) {
    for await (const file of filesUnder(input)) {
      hash.update(`${file}\0`).update(await readFile(path.join(repoRoot, file))).update('\0');
    }
  }
  return { node: process.version, sources: hash.digest('hex') };
}

export async function readStamp(dist: string): Promise<BuildStamp | undefined> {
  try {
    return JSON.parse(await readFile(stampFile(dist), 'utf8')) as BuildStamp;
  } catch {
    return undefined;
  }
}

/** Why `found` is not the build of `wanted`, or undefined when it is. */
export function staleness(found: BuildStamp | undefined, wanted: BuildStamp): string | undefined {
  if (!found) return 'dist/ has no build stamp (not built yet, or built before stamps)';
  if (found.node !== wanted.node) return `dist/ was built by Node ${found.node}, this is ${wanted.node} (its V8 code caches would be rejected)`;
  if (found.sources !== wanted.sources) return 'dist/ was built from other sources than the working tree';
  return undefined;
}
