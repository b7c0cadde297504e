// The watcher converges on the final content for every way settings files get written, once per change.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdir, open, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
// A writer's own pauses between its writes: the stimulus of those tests, never a wait for the watcher.
import { setTimeout as writerPause } from 'node:timers/promises';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait.ts';
import { contentOf, hasContent, record, type Recorded } from './harness.ts';
import { needTools } from '../helpers/tools.ts';

let dir: Awaited<ReturnType<typeof tempDir>>;
let rec: Recorded | undefined;
test.before.each(async () => { dir = await tempDir('watch'); });
test.after.each(async () => { await rec?.close(); rec = undefined; await dir.cleanup(); });

const v = (n: number) => `apiVersion: mail-agent/v1\nkind: MailSettings\n# version ${n}\n`;

async function start(path: string, initial: string | null = v(1)): Promise<Recorded> {
  if (initial !== null) await writeFile(path, initial);
  rec = await record(path);
  assert.is(rec.snapshots.length, 1, 'the first snapshot is reported at start');
  return rec;
}

test('editor rename-over save: one report with the new content', async () => {
  const file = join(dir.path, 'settings.yaml');
  const r = await start(file);
  await writeFile(join(dir.path, '.settings.yaml.swp'), v(2));
  await rename(join(dir.path, '.settings.yaml.swp'), file);
  await r.until(hasContent(v(2)), 'v2');
  assert.equal((await r.beforeNextChange()).map(contentOf), [v(1), v(2)]);
});

if (needTools(import.meta.url, test, ['vim'])) test('a real vim save', async () => {
  const file = join(dir.path, 'settings.yaml');
  const r = await start(file);
  execFileSync('vim', ['-u', 'NONE', '-i', 'NONE', '-N', '-es', '-c', '%s/version 1/version 2/', '-c', 'wq', file], { stdio: 'ignore', timeout: 10_000 });
  await r.until(hasContent(v(2)), 'v2');
  assert.equal((await r.beforeNextChange()).map(contentOf), [v(1), v(2)]);
});

test('in-place truncate, then write 10–30 ms later (the chokidar trap), three times', async () => {
  const file = join(dir.path, 'settings.yaml');
  const r = await start(file);
  for (const [i, gap] of [[2, 10], [3, 20], [4, 30]] as const) {
    const handle = await open(file, 'w');
    await writerPause(gap);
    await handle.write(v(i));
    await handle.close();
    await r.until(hasContent(v(i)), `v${i}`);
  }
  assert.equal((await r.beforeNextChange()).map(contentOf), [v(1), v(2), v(3), v(4)], 'never the empty intermediate, each change once');
});

test('Kubernetes AtomicWriter: ..data swap as the kubelet does it', async () => {
  const vol = join(dir.path, 'volume');
  await mkdir(vol);
  const payload = async (name: string, text: string) => {
    await mkdir(join(vol, name));
    await writeFile(join(vol, name, 'config.yaml'), text);
  };
  await payload('..2026_11_28_14_00_00.000000001', v(1));
  await symlink('..2026_11_28_14_00_00.000000001', join(vol, '..data'));
  await symlink('..data/config.yaml', join(vol, 'config.yaml'));
  const r = await start(join(vol, 'config.yaml'), null);
  assert.is(contentOf(r.snapshots[0]!), v(1));
  for (const [i, ts] of [[2, '..2026_11_28_14_01_00.000000002'], [3, '..2026_11_28_14_02_00.000000003']] as const) {
    const old = i === 2 ? '..2026_11_28_14_00_00.000000001' : '..2026_11_28_14_01_00.000000002';
    await payload(ts, v(i));
    await symlink(ts, join(vol, '..data_tmp'));
    await rename(join(vol, '..data_tmp'), join(vol, '..data'));
    await rm(join(vol, old), { recursive: true });
    await r.until(hasContent(v(i)), `v${i}`);
  }
  assert.equal((await r.beforeNextChange()).map(contentOf), [v(1), v(2), v(3)]);
});

test('removing a symlinked settings file is noticed (not only its target\'s changes)', async () => {
  await writeFile(join(dir.path, 'target.yaml'), v(1));
  const link = join(dir.path, 'settings.yaml');
  await symlink('target.yaml', link);
  const r = await start(link, null);
  await unlink(link);
  await r.until((s) => s.kind === 'missing', 'missing');
  await symlink('target.yaml', link);
  await r.until(hasContent(v(1)), 'v1 again');
  assert.equal((await r.beforeNextChange()).map(contentOf), [v(1), '<missing>', v(1)]);
});

test('delete then recreate: reports missing, then the new content', async () => {
  const file = join(dir.path, 'settings.yaml');
  const r = await start(file);
  await unlink(file);
  await r.until((s) => s.kind === 'missing', 'missing');
  await writeFile(file, v(2));
  await r.until(hasContent(v(2)), 'v2');
  assert.equal((await r.beforeNextChange()).map(contentOf), [v(1), '<missing>', v(2)]);
});

test('a file absent at start is picked up when created', async () => {
  const file = join(dir.path, 'settings.yaml');
  const r = await start(file, null);
  assert.is(r.snapshots[0]!.kind, 'missing');
  await writeFile(file, v(1));
  await r.until(hasContent(v(1)), 'v1');
  assert.equal((await r.beforeNextChange()).map(contentOf), ['<missing>', v(1)]);
});

if (needTools(import.meta.url, test, ['git'])) test('git checkout of another revision in a real repository', async () => {
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'advice.detachedHead=false', ...args], { cwd: dir.path, stdio: 'pipe' });
  git('init', '-q');
  const file = join(dir.path, 'settings.yaml');
  await writeFile(file, v(1));
  git('add', 'settings.yaml');
  git('commit', '-qm', 'one');
  await writeFile(file, v(2));
  git('commit', '-qam', 'two');
  const r = await start(file, null);
  assert.is(contentOf(r.snapshots[0]!), v(2));
  git('checkout', '-q', 'HEAD~1');
  await r.until(hasContent(v(1)), 'v1 after checkout');
  assert.equal((await r.beforeNextChange()).map(contentOf), [v(2), v(1)]);
});

test('a writer writing in several chunks: converges on the final content', async () => {
  const file = join(dir.path, 'settings.yaml');
  const r = await start(file);
  const final = v(2) + 'message:\n  charset: utf-8\n  plainText: true\n';
  const handle = await open(file, 'w');
  for (let i = 0; i < final.length; i += 20) {
    await handle.write(final.slice(i, i + 20));
    await writerPause(40);
  }
  await handle.close();
  await r.until(hasContent(final), 'the final content');
  const reports = (await r.beforeNextChange()).map(contentOf).slice(1);
  assert.is(reports.at(-1), final, 'the final content last');
  assert.is(new Set(reports).size, reports.length, 'no content reported twice');
});

test('a referenced secret file is watched: its change is reported with the same revision', async () => {
  const file = join(dir.path, 'settings.yaml');
  const secret = join(dir.path, 'password');
  await writeFile(secret, 'one');
  const r = await start(file);
  r.watcher.setReferencedFiles([secret]);
  // The digest now covers the secret: the watcher reports that once, after it has re-targeted its watches.
  await waitFor(() => r.causes.includes('references'), 'the snapshot taken for the new references');
  const before = r.snapshots.length;
  await writeFile(join(dir.path, 'password.tmp'), 'two');
  await rename(join(dir.path, 'password.tmp'), secret);
  await r.until((s) => s.digest !== r.snapshots[before - 1]!.digest, 'the secret change');
  assert.is((await r.beforeNextChange()).length, before + 1, 'the secret change reported once');
  const last = r.snapshots.at(-2)!;
  assert.is(last.kind === 'present' && last.bytes.toString(), v(1));
  assert.not.match(JSON.stringify(r.snapshots), 'two', 'a snapshot never carries the secret');
});

test('the periodic check catches a change no event announced; check(force) reports even if unchanged', async () => {
  const file = join(dir.path, 'settings.yaml');
  await writeFile(file, v(1));
  rec = await record(file, { debounceMs: 3_600_000, pollMs: 150 });
  await writeFile(file, v(2));
  await rec.until(hasContent(v(2)), 'v2 by poll');
  const r = rec;
  const n = r.snapshots.length;
  r.watcher.check(true, 'SIGHUP');
  const saw = () => JSON.stringify(r.causes);
  await waitFor(() => r.causes.includes('SIGHUP'), () => `the forced report; saw ${saw()}`);
  assert.is(r.snapshots.length, n + 1, saw());
  assert.equal([r.causes.at(-1), contentOf(r.snapshots.at(-1)!)], ['SIGHUP', v(2)], 'the unchanged file, reported because forced');
  // The next periodic check reads the same file and reports nothing: a forced look (queued behind it, the
  // watcher reads one at a time) shows that it is over.
  const polls = r.polls();
  await waitFor(() => r.polls() > polls, () => `the next periodic check; saw ${saw()}`);
  r.watcher.check(true, 'probe');
  await waitFor(() => r.causes.includes('probe'), () => `the probe; saw ${saw()}`);
  assert.equal(r.causes.slice(n), ['SIGHUP', 'probe'], 'only the forced looks reported the unchanged file');
});

test.run();
