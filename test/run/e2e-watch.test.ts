// Every way a settings file gets written, with the real agent: it converges on the final content and
// handles each change once (one apply, one test message per change).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdir, open, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
// A writer's own pauses between its writes: the stimulus of those tests, never a wait for the agent.
import { setTimeout as writerPause } from 'node:timers/promises';
import { findCondition } from '../../agent/status/model.ts';
import { revisionOf } from '../../agent/config/revision.ts';
import type { Child } from '../helpers/child.ts';
import { rig, type Rig, type SettingsOptions } from './helpers/e2e.ts';

let r: Rig;
let agent: Child;
/** Changes the running agent has converged on. */
let changes = 0;
const charsets = ['iso-8859-1', 'iso-8859-2', 'iso-8859-15', 'windows-1252', 'koi8-r', 'iso-8859-5', 'windows-1251', 'iso-8859-4', 'iso-8859-9', 'iso-8859-13', 'koi8-u', 'windows-1250'];
let next = 0;
const variant = (): SettingsOptions => ({ charset: charsets[next++]!, passwordFile: '../conf/password' });

test.before(async () => { r = await rig(); });
test.after(async () => { await r.cleanup(); });

/** Waits until the agent is Ready on `text`; by then it has applied each change once. A duplicate apply of an
 *  earlier change would have come before this one (the agent reconciles one revision at a time, in order),
 *  so it shows here; the last change of an agent is followed by `laterChange` for that reason. */
async function converged(text: string, statusPath: string): Promise<void> {
  const res = await r.shipped(['status', '--status', statusPath, '--wait', '--for-revision', revisionOf(text), '--timeout', '20s']);
  assert.is(res.code, 0, res.out + res.err + agent.output());
  changes += 1;
  const applies = agent.output().split('"step":"apply"').length - 1;
  assert.is(applies, changes, 'each change applied exactly once');
}

/** One more change (a complete file renamed over `config`), converged: the later event that shows the change
 *  before it was handled once. */
async function laterChange(config: string, statusPath: string): Promise<void> {
  const text = r.settingsText(variant());
  await writeFile(`${config}.tmp`, text);
  await rename(`${config}.tmp`, config);
  await converged(text, statusPath);
}

const vol = () => join(r.root, 'vol');
let payloadN = 0;
async function kubeletPublish(text: string): Promise<void> {
  const name = `..2026_11_28_15_00_00.${String(++payloadN).padStart(9, '0')}`;
  await mkdir(join(vol(), name));
  await writeFile(join(vol(), name, 'config.yaml'), text);
  await symlink(name, join(vol(), '..data_tmp'));
  await rename(join(vol(), '..data_tmp'), join(vol(), '..data'));
  if (payloadN > 1) await rm(join(vol(), `..2026_11_28_15_00_00.${String(payloadN - 1).padStart(9, '0')}`), { recursive: true });
}

test('ConfigMap volume: first publish, then the kubelet ..data swap', async () => {
  await mkdir(vol());
  const first = r.settingsText(variant());
  await kubeletPublish(first);
  await symlink('..data/config.yaml', join(vol(), 'config.yaml'));
  agent = r.startAgent([], { config: join(vol(), 'config.yaml'), stateDir: r.stateDir });
  await converged(first, r.statusPath);
  const text = r.settingsText(variant());
  await kubeletPublish(text);
  await converged(text, r.statusPath);
});

test('in-place truncate, then write 20 ms later', async () => {
  const text = r.settingsText(variant());
  const handle = await open(join(vol(), 'config.yaml'), 'w');
  await writerPause(20);
  await handle.write(text);
  await handle.close();
  await converged(text, r.statusPath);
});

test('a real vim save', async () => {
  const before = charsets[next - 1]!;
  const after = charsets[next++]!;
  execFileSync('vim', ['-u', 'NONE', '-i', 'NONE', '-N', '-es', '-c', `%s/charset: ${before}/charset: ${after}/`, '-c', 'wq', join(vol(), 'config.yaml')], { stdio: 'ignore', timeout: 10_000 });
  await converged(r.settingsText({ charset: after, passwordFile: '../conf/password' }), r.statusPath);
});

test('a writer writing in several chunks', async () => {
  const text = r.settingsText(variant());
  const handle = await open(join(vol(), 'config.yaml'), 'w');
  for (let i = 0; i < text.length; i += 120) {
    await handle.write(text.slice(i, i + 120));
    await writerPause(30);
  }
  await handle.close();
  await converged(text, r.statusPath);
});

test('delete, then recreate: ConfigMissing with the transport kept, then the new file', async () => {
  await unlink(join(vol(), 'config.yaml'));
  await r.untilStatus((d) => findCondition(d, 'Ready')?.reason === 'ConfigMissing', 'ConfigMissing');
  const text = r.settingsText(variant());
  await writeFile(join(vol(), 'config.yaml'), text);
  await converged(text, r.statusPath);
  await laterChange(join(vol(), 'config.yaml'), r.statusPath);
  assert.is(await agent.kill('SIGTERM'), 0);
});

test('git checkout of another revision in a real repository', async () => {
  const repo = join(r.root, 'repo');
  await mkdir(repo);
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'advice.detachedHead=false', ...args], { cwd: repo, stdio: 'pipe' });
  git('init', '-q');
  const older = r.settingsText(variant());
  await writeFile(join(repo, 'settings.yaml'), older);
  git('add', 'settings.yaml');
  git('commit', '-qm', 'older');
  const newer = r.settingsText(variant());
  await writeFile(join(repo, 'settings.yaml'), newer);
  git('commit', '-qam', 'newer');
  const stateDir = join(r.root, 'state2');
  agent = r.startAgent([], { config: join(repo, 'settings.yaml'), stateDir });
  changes = 0;
  await converged(newer, join(stateDir, 'status.json'));
  git('checkout', '-q', 'HEAD~1');
  await converged(older, join(stateDir, 'status.json'));
  await laterChange(join(repo, 'settings.yaml'), join(stateDir, 'status.json'));
  assert.is(await agent.kill('SIGTERM'), 0);
});

test.run();
