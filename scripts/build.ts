// `npm run build` after tsc: the artefacts that make the compiled agent start faster (docs/performance.md).
// Each is optional at run time: without them the agent loads the packages as it does from source.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { currentStamp, stampFile } from './build-stamp.ts';
import { writeSettingsValidator } from './settings-validator.ts';
import { vendorPackage } from './vendor-bundles.ts';
import { vendored } from './vendor-packages.ts';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist');
// Taken first: a source edited while the build runs leaves dist/ stale rather than stamped current.
const stamp = await currentStamp();
for (const pkg of vendored) {
  const done = await vendorPackage(dist, pkg);
  console.log(`build: ${path.relative(process.cwd(), done.files.bundle)} (${done.exports} exports, ${done.redirected} compiled modules redirected to it)`);
}
const validator = await writeSettingsValidator(dist);
console.log(`build: ${path.relative(process.cwd(), validator)} (the settings schema, precompiled)`);
await writeFile(stampFile(dist), JSON.stringify(stamp, null, 2) + '\n');
console.log(`build: ${path.relative(process.cwd(), stampFile(dist))} (Node ${stamp.node}, sources ${stamp.sources.slice(0, 12)})`);
