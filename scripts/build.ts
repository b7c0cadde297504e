// `npm run build` after tsc: the artefacts that make the compiled agent start faster (docs/performance.md).
// Each is optional at run time: without them the agent loads the packages as it does from source.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleEws } from './bundle-ews.ts';
import { writeSettingsValidator } from './settings-validator.ts';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist');
const ews = await bundleEws(dist);
console.log(`build: ${path.relative(process.cwd(), ews.files.bundle)} (${ews.exports} exports, ${ews.redirected} compiled modules redirected to it)`);
const validator = await writeSettingsValidator(dist);
console.log(`build: ${path.relative(process.cwd(), validator)} (the settings schema, precompiled)`);
