// Disk faults against the real agent: a full state dir (a small tmpfs), a read-only status directory (a
// tmpfs remounted read-only), a settings file the agent's user cannot read (run as `nobody`: root reads
// anything). Each: a clear status or exit message, no corrupt file, recovery once the fault clears.
// Needs root (mount, setpriv); skipped with a message otherwise.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { chmod, chown, copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { revisionOf } from '../../agent/watch/digest.ts';
import type { StatusDocument } from '../../agent/status/model.ts';
import { repoRoot } from '../helpers/child.ts';
import { rig, type Rig } from '../run/helpers/e2e.ts';

let r: Rig;
const mounts: string[] = [];
const faults: Record<string, number> = {};

function tryMount(dir: string, size: string): boolean {
  const res = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir]);
  if (res.status === 0) mounts.push(dir);
  return res.status === 0;
}

test.before(async () => { r = await rig(); });
test.after(async () => {
  console.log(`hardening: disk faults ${JSON.stringify(faults)}`);
  await r.cleanup().catch(() => undefined);
  for (const m of mounts.reverse()) spawnSync('umount', ['-l', m]);
});

async function statusAt(path: string, pred: (d: StatusDocument) => boolean, what: string, timeoutMs = 20_000): Promise<StatusDocument> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const doc = await readFile(path, 'utf8').then((t) => JSON.parse(t) as StatusDocument).catch(() => undefined);
    if (doc && pred(doc)) return doc;
    if (Date.now() > deadline) throw new Error(`status never showed ${what}: ${JSON.stringify(doc?.conditions)}`);
    await sleep(50);
  }
}
const ready = (rev: string) => (d: StatusDocument) => d.lastApplied?.revision === rev && d.conditions.some((c) => c.type === 'Ready' && c.status === 'True' && c.observedRevision === rev);

/** Every JSON file in the folder (not temp files) parses. */
async function assertJsonWhole(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (!name.endsWith('.json')) continue;
    const text = await readFile(join(dir, name), 'utf8');
    assert.not.throws(() => { JSON.parse(text); }, `${name} is corrupt`);
  }
}

test('a full state dir: send refuses with a clear message and queues nothing; the agent stays up; recovery when space returns', async () => {
  const mnt = join(r.root, 'full');
  await mkdir(mnt);
  if (!tryMount(mnt, '4m')) { console.log('hardening: SKIPPED full state dir: mount -t tmpfs is not permitted here'); return; }
  const stateDir = join(mnt, 'state');
  const statusPath = join(stateDir, 'status.json');
  const good = await r.write();
  const agent = r.startAgent([], { config: r.settings, stateDir });
  await statusAt(statusPath, ready(revisionOf(good)), 'Ready');
  await writeFile(join(mnt, 'filler'), Buffer.alloc(8 * 1024 * 1024)).catch(() => undefined);
  // The running agent can still free a page just after (a status write replacing the old file, under way
  // when Ready showed): let those land, then take whatever they freed too.
  await sleep(300);
  await writeFile(join(mnt, 'filler-2'), Buffer.alloc(1024 * 1024)).catch(() => undefined);
  faults['full-state-dir'] = 1;
  const refused = await r.cli(['send', '--state-dir', stateDir, '--to', 'someone@contoso.test', '--subject', 'disk full', '--body', '-']);
  assert.is(refused.code, 1, refused.out + refused.err);
  assert.match(refused.err, 'no space left');
  assert.equal(await readdir(join(stateDir, 'spool', 'pending')), []);
  const changed = await r.write({ charset: 'iso-8859-1' });
  await sleep(1500);
  assert.is(agent.proc.exitCode, null, agent.output().slice(-2000));
  await assertJsonWhole(stateDir);
  await rm(join(mnt, 'filler'));
  await rm(join(mnt, 'filler-2'), { force: true });
  await statusAt(statusPath, ready(revisionOf(changed)), 'Ready after space returned');
  const ok = await r.cli(['send', '--state-dir', stateDir, '--to', 'someone@contoso.test', '--subject', 'after the disk was freed', '--body', '-']);
  assert.is(ok.code, 0, ok.out + ok.err);
  for (let i = 0; i < 150 && (await r.deliveredWithSubject('after the disk was freed')) === 0; i++) await sleep(100);
  assert.is(await r.deliveredWithSubject('after the disk was freed'), 1);
  await agent.kill('SIGKILL');
});

test('a read-only status directory: the agent stays up, says why, keeps the old file whole, writes again once writable', async () => {
  const mnt = join(r.root, 'ro');
  await mkdir(mnt);
  if (!tryMount(mnt, '1m')) { console.log('hardening: SKIPPED read-only status dir: mount is not permitted here'); return; }
  const statusPath = join(mnt, 'status.json');
  const good = await r.write({ charset: 'iso-8859-2' });
  const agent = r.startAgent(['--status', statusPath], { config: r.settings, stateDir: join(r.root, 'state-ro') });
  await statusAt(statusPath, ready(revisionOf(good)), 'Ready');
  execFileSync('mount', ['-o', 'remount,ro', mnt]);
  faults['read-only-status-dir'] = 1;
  const changed = await r.write({ charset: 'iso-8859-15' });
  await agent.waitFor('writing the status file failed', 10_000);
  assert.match(agent.output(), /EROFS|read-only/i);
  assert.is(agent.proc.exitCode, null);
  await assertJsonWhole(mnt);
  execFileSync('mount', ['-o', 'remount,rw', mnt]);
  await statusAt(statusPath, ready(revisionOf(changed)), 'Ready once writable');
  await agent.kill('SIGKILL');
});

test('a settings file its user cannot read (as nobody): validate and run --once exit 1 naming ConfigUnreadable; fine once readable', async () => {
  const dir = join(r.root, 'nobody');
  await mkdir(dir);
  await chmod(r.root, 0o755);
  const settings = join(dir, 'mail-settings.yaml');
  await copyFile(r.sandbox.caPath!, join(dir, 'ca.pem'));
  await writeFile(join(dir, 'password'), await readFile(join(r.root, 'conf', 'password')));
  await writeFile(settings, r.settingsText().replace(r.sandbox.caPath!, join(dir, 'ca.pem')), { mode: 0o200 });
  for (const f of ['', 'ca.pem', 'password', 'mail-settings.yaml']) await chown(join(dir, f), 65534, 65534);
  // Asynchronous: the sandbox answers from this process, so it must not be blocked while the child runs.
  const asNobody = async (args: string[]) => {
    const child = spawn('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--import', 'tsx', join(repoRoot, 'agent/cli/bin.ts'), ...args], { cwd: repoRoot, env: { ...process.env, HOME: dir } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    const [status] = await once(child, 'exit') as [number | null];
    return { status, stdout, stderr };
  };
  const probe = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'true']);
  if (probe.status !== 0) { console.log('hardening: SKIPPED unreadable settings: setpriv is not available'); return; }
  faults['unreadable-settings'] = 1;
  const validate = await asNobody(['validate', settings]);
  assert.is(validate.status, 1, validate.stdout + validate.stderr);
  assert.match(validate.stdout + validate.stderr, 'cannot be read (EACCES)');
  const ranOnce = await asNobody(['run', '--once', '--config', settings, '--state-dir', join(dir, 'state'), '--log-format', 'json']);
  assert.is(ranOnce.status, 1, ranOnce.stdout + ranOnce.stderr);
  const doc = JSON.parse(await readFile(join(dir, 'state', 'status.json'), 'utf8')) as StatusDocument;
  assert.ok(doc.conditions.some((c) => c.reason === 'ConfigUnreadable'), JSON.stringify(doc.conditions));
  await chmod(settings, 0o600);
  const again = await asNobody(['run', '--once', '--config', settings, '--state-dir', join(dir, 'state'), '--log-format', 'json']);
  assert.is(again.status, 0, again.stdout + again.stderr);
  const recovered = JSON.parse(await readFile(join(dir, 'state', 'status.json'), 'utf8')) as StatusDocument;
  assert.ok(recovered.conditions.some((c) => c.type === 'Ready' && c.status === 'True'), JSON.stringify(recovered.conditions));
});

test.run();
