// createTransport loads ews-javascript-api only for EWS settings; MAPI is a clear placeholder for now.
// Checked in fresh child processes: this test process may have loaded the library for other tests.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const probe = async (service: string): Promise<{ outcome: string; loaded: boolean }> => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(here, 'fixtures/factory-probe.ts'), service], { timeout: 20_000 });
  return JSON.parse(stdout) as { outcome: string; loaded: boolean };
};

test('service mapi: PlatformUnsupported, without loading ews-javascript-api', async () => {
  assert.equal(await probe('mapi'), { outcome: 'PlatformUnsupported', loaded: false });
});

test('service ews: the library is loaded on demand; nothing is contacted before verify', async () => {
  assert.equal(await probe('ews'), { outcome: 'created', loaded: true });
});

test.run();
