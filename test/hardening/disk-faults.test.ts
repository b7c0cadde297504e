// Disk faults against the real agent: a full state dir (a small tmpfs), a read-only status directory (a
// tmpfs remounted read-only), a settings file (or the folder above it) the agent's user cannot read. Each: a
// clear status or exit message, no corrupt file, recovery once the fault clears. The tmpfs cases need root's
// mount (test/helpers/tools.ts: without it they are listed in the end-of-run summary; with CI=true they fail).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { statSync } from 'node:fs';
import { chmod, chown, copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { revisionOf, shortRevision as short } from '../../agent/config/revision.ts';
import type { StatusDocument } from '../../agent/status/model.ts';
import { repoRoot } from '../helpers/child.ts';
import { shippedBin } from '../helpers/shipped.ts';
import { parseStatus, untilStatus } from '../helpers/status.ts';
import { needTools } from '../helpers/tools.ts';
import { waitFor } from '../helpers/wait.ts';
import { rig, type Rig } from '../run/helpers/e2e.ts';

let r: Rig;
const mounts: string[] = [];
const faults: Record<string, number> = {};

/** The stimulus: the kernel refuses a read-only remount (EBUSY) while a file in it is open for writing — the
 *  agent writing its status (a heartbeat, a queue count) at that moment. Tried again once that write is done. */
async function remountReadOnly(dir: string): Promise<void> {
  await waitFor(() => spawnSync('mount', ['-o', 'remount,ro', dir]).status === 0, `${dir} remounted read-only`);
}

function mountTmpfs(dir: string, size: string): void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir]);
  mounts.push(dir);
}

test.before(async () => { r = await rig(); });
test.after(async () => {
  console.log(`hardening: disk faults ${JSON.stringify(faults)}`);
  await r.cleanup().catch(() => undefined);
  for (const m of mounts.reverse()) spawnSync('umount', ['-l', m]);
});

const statusAt = untilStatus;
const sequenceAt = async (path: string) => parseStatus(await readFile(path, 'utf8').catch(() => undefined))?.sequence ?? -1;
const statusWriteFailed = 'writing the status file failed';
const ready = (rev: string) => (d: StatusDocument) => d.lastApplied?.revision === rev && d.conditions.some((c) => c.type === 'Ready' && c.status === 'True' && c.observedRevision === rev);

/** Every JSON file in the folder (not temp files) parses. */
async function assertJsonWhole(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (!name.endsWith('.json')) continue;
    const text = await readFile(join(dir, name), 'utf8');
    assert.not.throws(() => { JSON.parse(text); }, `${name} is corrupt`);
  }
}

if (needTools(import.meta.url, test, ['mount'])) test('a full state dir: send refuses with a clear message and queues nothing; the agent stays up; recovery when space returns', async () => {
  const mnt = join(r.root, 'full');
  await mkdir(mnt);
  mountTmpfs(mnt, '4m');
  const stateDir = join(mnt, 'state');
  const statusPath = join(stateDir, 'status.json');
  const good = await r.write();
  const agent = r.startAgent([], { config: r.settings, stateDir });
  await statusAt(statusPath, ready(revisionOf(good)), 'Ready');
  const sequence = await sequenceAt(statusPath);
  const failures = agent.output().split(statusWriteFailed).length;
  await writeFile(join(mnt, 'filler'), Buffer.alloc(8 * 1024 * 1024)).catch(() => undefined);
  // The running agent can still free a page just after (a status write replacing the old file, under way
  // when Ready showed): once its status writer has moved on (one write later landed, or failed for want of
  // space; its writes go one at a time), take whatever they freed too.
  await waitFor(async () => (await sequenceAt(statusPath)) > sequence || agent.output().split(statusWriteFailed).length > failures,
    () => `a status write after the disk filled: ${agent.output().slice(-2000)}`);
  await writeFile(join(mnt, 'filler-2'), Buffer.alloc(1024 * 1024)).catch(() => undefined);
  faults['full-state-dir'] = 1;
  const refused = await r.cli(['send', '--state-dir', stateDir, '--to', 'someone@contoso.test', '--subject', 'disk full', '--body', '-']);
  assert.is(refused.code, 1, refused.out + refused.err);
  assert.match(refused.err, 'no space left');
  assert.equal(await readdir(join(stateDir, 'spool', 'pending')), []);
  const changed = await r.write({ charset: 'iso-8859-1' });
  // The agent takes up the change (a reconcile step of that revision in its log), and carries on past it: a
  // status write (the heartbeat) is tried after that.
  const revision = `"revision":"${short(revisionOf(changed))}"`;
  await waitFor(() => agent.output().includes(revision), () => `the change taken up: ${agent.output().slice(-2000)}`);
  const taken = agent.output().indexOf(revision);
  await waitFor(() => agent.output().indexOf(statusWriteFailed, taken) > 0 || agent.proc.exitCode !== null, () => `a status write after it: ${agent.output().slice(-2000)}`);
  assert.is(agent.proc.exitCode, null, agent.output().slice(-2000));
  await assertJsonWhole(stateDir);
  await rm(join(mnt, 'filler'));
  await rm(join(mnt, 'filler-2'), { force: true });
  await statusAt(statusPath, ready(revisionOf(changed)), 'Ready after space returned');
  const ok = await r.cli(['send', '--state-dir', stateDir, '--to', 'someone@contoso.test', '--subject', 'after the disk was freed', '--body', '-']);
  assert.is(ok.code, 0, ok.out + ok.err);
  await r.untilDeliveredSubject('after the disk was freed', 15_000);
  assert.is(await r.deliveredWithSubject('after the disk was freed'), 1);
  await agent.kill('SIGKILL');
});

if (needTools(import.meta.url, test, ['mount'])) test('a read-only status directory: the agent stays up, says why, keeps the old file whole, writes again once writable', async () => {
  const mnt = join(r.root, 'ro');
  await mkdir(mnt);
  mountTmpfs(mnt, '1m');
  const statusPath = join(mnt, 'status.json');
  const good = await r.write({ charset: 'iso-8859-2' });
  const agent = r.startAgent(['--status', statusPath], { config: r.settings, stateDir: join(r.root, 'state-ro') });
  await statusAt(statusPath, ready(revisionOf(good)), 'Ready');
  await remountReadOnly(mnt);
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

// The CLI as a user without privileges (root reads anything): the checkout's own owner, so the code is
// readable wherever the checkout lives (a clone under a 0700 folder included); as root, that is uid 0 with
// every capability dropped. Asynchronous: the sandbox answers from this process.
const owner = statSync(repoRoot);
const asRoot = process.getuid?.() === 0;
async function unprivileged(args: string[], home: string): Promise<{ status: number | null; out: string }> {
  const node = [process.execPath, shippedBin, ...args];
  const command = asRoot
    ? ['setpriv', `--reuid=${owner.uid}`, `--regid=${owner.gid}`, '--clear-groups', '--bounding-set=-all', '--inh-caps=-all', '--', ...node]
    : node;
  const child = spawn(command[0]!, command.slice(1), { cwd: repoRoot, env: { ...process.env, HOME: home } });
  let out = '';
  child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { out += c.toString(); });
  const [status] = await once(child, 'exit') as [number | null];
  return { status, out };
}

if (!asRoot || needTools(import.meta.url, test, ['setpriv'])) test('a settings file, or the folder above it, its user cannot read: validate and run --once exit 1 naming that path; fine once readable', async () => {
  const dir = join(r.root, 'unreadable');
  const locked = join(dir, 'locked');
  await mkdir(locked, { recursive: true });
  await chmod(r.root, 0o755);
  const settingsIn = async (folder: string) => {
    const file = join(folder, 'mail-settings.yaml');
    await copyFile(r.sandbox.caPath!, join(folder, 'ca.pem'));
    await writeFile(join(folder, 'password'), await readFile(join(r.root, 'conf', 'password')));
    await writeFile(file, r.settingsText().replace(r.sandbox.caPath!, join(folder, 'ca.pem')));
    return file;
  };
  const file = await settingsIn(dir);
  const behind = await settingsIn(locked);
  for (const f of [dir, locked, ...['ca.pem', 'password', 'mail-settings.yaml'].flatMap((n) => [join(dir, n), join(locked, n)])]) await chown(f, owner.uid, owner.gid);
  await chmod(file, 0o200);
  await chmod(locked, 0o600); // readable, but not searchable: nothing inside can be opened
  faults['unreadable-settings'] = 1;
  const stateDir = join(dir, 'state');
  const cases = [
    { settings: file, why: `the settings file cannot be read (EACCES): ${file} cannot be read by this user` },
    { settings: behind, why: `the settings file cannot be read (EACCES): the folder ${locked} above it cannot be searched by this user` },
  ];
  for (const { settings, why } of cases) {
    const validate = await unprivileged(['validate', settings], dir);
    assert.is(validate.status, 1, validate.out);
    assert.match(validate.out, `${settings}:1:1: error: ${why} [/ file]`);
    const ranOnce = await unprivileged(['run', '--once', '--config', settings, '--state-dir', stateDir, '--log-format', 'json'], dir);
    assert.is(ranOnce.status, 1, ranOnce.out);
    const doc = JSON.parse(await readFile(join(stateDir, 'status.json'), 'utf8')) as StatusDocument;
    const stalled = doc.conditions.find((c) => c.type === 'Stalled');
    assert.equal([stalled?.reason, stalled?.message], ['ConfigUnreadable', `${why}; the live transport stays`], JSON.stringify(doc.conditions));
  }
  // A secret file behind that folder: the secret's error names the folder too.
  const secretBehind = join(dir, 'secret-behind.yaml');
  await writeFile(secretBehind, r.settingsText().replace('{ file: ./password }', '{ file: ./locked/password }'));
  await chown(secretBehind, owner.uid, owner.gid);
  const secret = await unprivileged(['validate', '--resolve-secrets', secretBehind], dir);
  assert.is(secret.status, 1, secret.out);
  assert.match(secret.out, `error: secret file ${join(locked, 'password')} cannot be read (permission denied): the folder ${locked} above it cannot be searched by this user [/ews/password readable]`);
  await chmod(file, 0o600);
  const again = await unprivileged(['run', '--once', '--config', file, '--state-dir', stateDir, '--log-format', 'json'], dir);
  assert.is(again.status, 0, again.out);
  const recovered = JSON.parse(await readFile(join(stateDir, 'status.json'), 'utf8')) as StatusDocument;
  assert.ok(recovered.conditions.some((c) => c.type === 'Ready' && c.status === 'True'), JSON.stringify(recovered.conditions));
  await chmod(locked, 0o700);
});

test.run();
