// Loads a CommonJS bundle made at build time (scripts/vendor-bundles.ts) as one vm.Script with V8's code cache:
// one file read and one compile instead of ~800 module resolutions and compiles, and with the cache most
// functions need no compile at all. A missing or rejected cache (another Node/V8 version) only costs time.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

export interface LoadedBundle {
  exports: unknown;
  script: vm.Script;
  /** 'accepted', 'rejected' (compiled from source instead) or 'absent' (no cache file or none asked for). */
  cache: 'accepted' | 'rejected' | 'absent';
}

export const cacheFileOf = (bundleFile: string): string => bundleFile + '.cache';

function readOptional(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Runs the bundle as CommonJS; its own require() resolves as if from `requireFrom` (the bundled package's
 *  main file), so the dependencies left out of it load exactly as the package would load them. */
export function runBundle(bundleFile: string, source: string, requireFrom: string, useCache = true): LoadedBundle {
  const cachedData = useCache ? readOptional(cacheFileOf(bundleFile)) : undefined;
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: bundleFile, cachedData });
  const module = { exports: {} as unknown };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, createRequire(requireFrom), module, bundleFile, path.dirname(bundleFile));
  const cache = cachedData === undefined ? 'absent' : script.cachedDataRejected === true ? 'rejected' : 'accepted';
  return { exports: module.exports, script, cache };
}

/** The generated facade's entry: the bundle if it is there, else the package itself (same exports). */
export function loadPackage(bundleUrl: URL, packageName: string): unknown {
  const require = createRequire(import.meta.url);
  const bundleFile = fileURLToPath(bundleUrl);
  const source = readOptional(bundleFile)?.toString('utf8');
  if (source === undefined) return require(packageName);
  return runBundle(bundleFile, source, require.resolve(packageName)).exports;
}
