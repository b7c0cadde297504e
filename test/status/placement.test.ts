// The status file (and state dir) may not live in a watched directory, also through symlinks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isAgentError } from '../../agent/errors.ts';
import { assertOutsideWatched } from '../../agent/status/placement.ts';
import { tempDir } from '../helpers/temp-dir.ts';

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

/** A temp dir holding conf/mail-settings.yaml. */
async function withSettings(fn: (root: string, conf: string, settings: string) => Promise<void>): Promise<void> {
  const dir = await tempDir('placement');
  try {
    const conf = join(dir.path, 'conf');
    await mkdir(conf);
    const settings = join(conf, 'mail-settings.yaml');
    await writeFile(settings, 'x');
    await fn(dir.path, conf, settings);
  } finally {
    await dir.cleanup();
  }
}

test('refuses the settings directory itself, accepts a sibling or a subfolder', () => withSettings(async (root, conf, settings) => {
  assert.match(refused(() => assertOutsideWatched(join(conf, 'status.json'), 'status file', [settings])), 'inside the watched directory');
  assertOutsideWatched(join(conf, '.state', 'status.json'), 'status file', [settings]);
  assertOutsideWatched(join(root, 'state', 'status.json'), 'status file', [settings]);
  await Promise.resolve();
}));

test('refuses a path that reaches the watched directory through a symlink', () => withSettings(async (root, conf, settings) => {
  await symlink(conf, join(root, 'alias'));
  refused(() => assertOutsideWatched(join(root, 'alias', 'status.json'), 'status file', [settings]));
}));

test.run();
