// Each patch of a third-party package (docs/performance.md, "Patches of third-party code") fails a test here
// when it stops applying, rather than quietly giving its cost back: @ewsjs/xhr deferred by
// agent/transports/ews/defer-ewsjs-xhr.ts, and moment-timezone's zone data left out of the ews-javascript-api
// bundle (scripts/vendor-packages.ts). The third, ews-javascript-api's time zone read on demand, fails the
// build itself when its line changes, and test/build/vendor-bundles.test.ts checks what it does.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { bundlePackage } from '../../scripts/vendor-bundles.ts';
import { eagerTimeZone, vendored } from '../../scripts/vendor-packages.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const require = createRequire(import.meta.url);
const fixture = path.join(import.meta.dirname, 'fixtures/ewsjs-xhr-deferred.ts');

test('loading the EWS transport does not load @ewsjs/xhr\'s cookie stack; the library\'s XhrApi still works', () => {
  const out = execFileSync(process.execPath, ['--import', 'tsx', fixture], { encoding: 'utf8' });
  assert.equal(JSON.parse(out), { before: [], after: ['tough-cookie', 'http-cookie-agent'], usable: true });
});

test('the ews-javascript-api bundle requires moment-timezone\'s zone data at run time instead of holding it, and reads its time zone on demand', async () => {
  const dir = await tempDir('vendor-patches');
  try {
    const outfile = path.join(dir.path, 'ews.cjs');
    await bundlePackage(vendored.find((p) => p.name === 'ews-javascript-api')!, outfile);
    const bundle = await readFile(outfile, 'utf8');
    const zones = require('moment-timezone/data/packed/latest.json') as { zones: string[] };
    assert.ok(bundle.includes('require("moment-timezone/data/packed/latest.json")'), 'the data is required from the package');
    assert.not.ok(bundle.includes(zones.zones[0]!), 'no zone of the data is in the bundle');
    assert.not.ok(bundle.includes(eagerTimeZone), 'the constructor no longer reads TimeZoneInfo.Local');
    assert.ok(bundle.includes('defineProperty(this,"timeZone"'), 'the service reads its zone through a getter');
  } finally {
    await dir.cleanup();
  }
});

test.run();
