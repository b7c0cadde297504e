// `npm run build` after tsc: the artefacts that make the compiled agent start faster (docs/performance.md).
// Each is optional at run time: without them the agent loads the packages as it does from source.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSettingsValidator } from './settings-validator.ts';
import { vendorPackage } from './vendor-bundles.ts';
import { vendored } from './vendor-packages.ts';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist');
for (const pkg of vendored) {
  const done = await vendorPackage(dist, pkg);
  console.log(`build: ${path.relative(process.cwd(), done.files.bundle)} (${done.exports} exports, ${done.redirected} compiled modules redirected to it)`);
}
const validator = await writeSettingsValidator(dist);
console.log(`build: ${path.relative(process.cwd(), validator)} (the settings schema, precompiled)`);
