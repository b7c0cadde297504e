// Issue #12 item 3: the published settings digest (status file, test message, `mail-agent test`) is keyed
// with a random per-install key kept 0600 in the state dir, so it is no password oracle; two state dirs with
// the same settings publish different digests; a restart keeps the key, the digest and the "one test
// message per digest" record; a changed secret is still a change. Real agents, real sandbox.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalJson } from '../../agent/config/digest.ts';
import { loadConfig } from '../../agent/config/load.ts';
import type { StatusDocument } from '../../agent/status/model.ts';
import { revisionOf, sha256Hex } from '../../agent/config/revision.ts';
import { untilStatus } from '../helpers/status.ts';
import { account, readJson, rig, type Rig } from './helpers/e2e.ts';

let r: Rig;
let text: string;
const stateB = () => join(r.root, 'state-b');

function appliedIn(stateDir: string): Promise<StatusDocument> {
  return untilStatus(join(stateDir, 'status.json'), (doc) => doc.lastApplied?.revision === revisionOf(text) && doc.testMessage !== undefined, `${stateDir} applied`);
}

test.before(async () => { r = await rig(); text = await r.write(); });
test.after(async () => { await r.cleanup(); });

test('two state dirs, same settings: different digests, each key 32 random bytes kept 0600; none is the unkeyed hash', async () => {
  const a = r.startAgent();
  const b = r.startAgent([], { config: r.settings, stateDir: stateB() });
  const [docA, docB] = await Promise.all([appliedIn(r.stateDir), appliedIn(stateB())]);
  assert.is(await a.kill('SIGTERM'), 0);
  assert.is(await b.kill('SIGTERM'), 0);
  assert.match(docA.lastApplied!.settingsDigest, /^sha256:[0-9a-f]{64}$/);
  assert.is.not(docA.lastApplied!.settingsDigest, docB.lastApplied!.settingsDigest);
  for (const dir of [r.stateDir, stateB()]) {
    const info = await stat(join(dir, 'digest.key'));
    assert.is(info.mode & 0o777, 0o600);
    assert.is(info.size, 32);
  }
  assert.not.ok((await readFile(join(r.stateDir, 'digest.key'))).equals(await readFile(join(stateB(), 'digest.key'))));
  // The digest published before: SHA-256 of the settings and the password's SHA-256, computable by anyone
  // holding the settings, to test password guesses.
  const loaded = await loadConfig(r.settings);
  assert.ok(loaded.ok);
  const caFile = await readFile(r.sandbox.caPath!);
  const unkeyed = `sha256:${sha256Hex(canonicalJson({ settings: loaded.config.settings, hashes: { password: sha256Hex(account.password), caFile: sha256Hex(caFile) } }))}`;
  for (const doc of [docA, docB]) {
    assert.is.not(doc.lastApplied!.settingsDigest, unkeyed);
    assert.is(doc.testMessage!.settingsDigest, doc.lastApplied!.settingsDigest);
  }
  // The test message's subject carries the keyed digest's short form.
  const subjects = (await r.sandbox.deliveries()).filter((d) => d.subject.startsWith('mail-agent test from')).map((d) => d.subject);
  assert.ok(subjects.some((s) => s.endsWith(docA.lastApplied!.settingsDigest.slice(7, 19))), subjects.join('\n'));
  assert.not.ok(subjects.some((s) => s.endsWith(unkeyed.slice(7, 19))));
});

test('a restart keeps the key and the digest: no second test message; mail-agent test prints the same digest', async () => {
  const before = await readJson<StatusDocument>(join(r.stateDir, 'status.json'));
  const sent = await r.testMessages();
  const key = await readFile(join(r.stateDir, 'digest.key'));
  const agent = r.startAgent();
  const after = await r.untilStatus((d) => d.sequence < before.sequence && d.lastApplied?.revision === revisionOf(text), 're-applied after the restart');
  assert.is(after.lastApplied!.settingsDigest, before.lastApplied!.settingsDigest);
  assert.ok(key.equals(await readFile(join(r.stateDir, 'digest.key'))));
  assert.match(JSON.stringify(after.conditions), 'AlreadyDelivered');
  assert.is(await agent.kill('SIGTERM'), 0);
  assert.is(await r.testMessages(), sent, 'no test message sent again');
  const res = await r.cli(['test', '--config', r.settings, '--to', 'ops@contoso.test', '--state-dir', r.stateDir]);
  assert.is(res.code, 0, res.out + res.err);
  assert.match(res.out, `settings ${before.lastApplied!.settingsDigest} (keyed with the digest key in ${r.stateDir})`);
  const unkeyedRun = await r.cli(['test', '--config', r.settings, '--to', 'ops@contoso.test', '--state-dir', join(r.root, 'no-state')]);
  assert.match(unkeyedRun.out, 'keyed for this run only');
  assert.not.match(unkeyedRun.out, before.lastApplied!.settingsDigest);
});

test('with one key, a changed secret is a changed digest, and equal settings an equal one', async () => {
  const key = await readFile(join(r.stateDir, 'digest.key'));
  const first = await loadConfig(r.settings, { digestKey: key });
  const again = await loadConfig(r.settings, { digestKey: key });
  await writeFile(join(r.root, 'conf', 'password'), 'rotated');
  const rotated = await loadConfig(r.settings, { digestKey: key });
  await writeFile(join(r.root, 'conf', 'password'), account.password);
  assert.ok(first.ok && again.ok && rotated.ok);
  assert.is(first.config.settingsDigest, again.config.settingsDigest);
  assert.is.not(first.config.settingsDigest, rotated.config.settingsDigest);
});

test.run();
