// The status file (and state dir) may not live in a watched directory, also through symlinks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isAgentError } from '../../agent/errors.ts';
import { assertOutsideWatched } from '../../agent/status/placement.ts';
import { tempDir } from '../helpers/tmp.ts';

function refused(fn: () => void): string {
  try {
    fn();
  } catch (err) {
    assert.ok(isAgentError(err) && err.code === 'Usage');
    return (err as Error).message;
  }
  assert.unreachable('expected a refusal');
  return '';
}

test('refuses the settings directory and below it, accepts a sibling', async () => {
  const dir = await tempDir('placement');
  try {
    const conf = join(dir.path, 'conf');
    await mkdir(conf);
    const settings = join(conf, 'mail-settings.yaml');
    await writeFile(settings, 'x');
    assert.match(refused(() => assertOutsideWatched(join(conf, 'status.json'), 'status file', [settings])), 'inside the watched directory');
    refused(() => assertOutsideWatched(join(conf, 'sub', 'status.json'), 'status file', [settings]));
    assertOutsideWatched(join(dir.path, 'state', 'status.json'), 'status file', [settings]);
  } finally {
    await dir.cleanup();
  }
});

test('refuses a path that reaches the watched directory through a symlink', async () => {
  const dir = await tempDir('placement');
  try {
    const conf = join(dir.path, 'conf');
    await mkdir(conf);
    const settings = join(conf, 'mail-settings.yaml');
    await writeFile(settings, 'x');
    await symlink(conf, join(dir.path, 'alias'));
    refused(() => assertOutsideWatched(join(dir.path, 'alias', 'status.json'), 'status file', [settings]));
  } finally {
    await dir.cleanup();
  }
});

test.run();
