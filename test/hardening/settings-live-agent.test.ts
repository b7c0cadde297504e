// Malformed settings fed to a RUNNING agent: it never crashes, rejects each with a reason, keeps the last
// good settings live (lastApplied unchanged) and still delivers a notification afterwards.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile, rename, writeFile } from 'node:fs/promises';
import fc from 'fast-check';
import { loadConfig } from '../../agent/config/load.ts';
import { revisionOf } from '../../agent/config/revision.ts';
import type { Child } from '../helpers/child.ts';
import { rig, type Rig } from '../run/helpers/e2e.ts';
import { hardeningSeed, leakOf, settingsCase, type SettingsCase } from './settings-mutations.ts';

const count = Number(process.env.HARDEN_LIVE_FILES ?? 30);
let r: Rig;
let agent: Child;

test.before(async () => { r = await rig(); });
test.after(async () => { await r.cleanup(); });

/** `count` cases the loader rejects (a valid one would point at an unreachable server: another test). */
async function rejectedCases(): Promise<SettingsCase[]> {
  const out: SettingsCase[] = [];
  for (const c of fc.sample(settingsCase, { seed: hardeningSeed, numRuns: count * 4 })) {
    if (out.length === count) break;
    if (!(await loadConfig(r.settings, { bytes: c.bytes, env: {} })).ok) out.push(c);
  }
  return out;
}

test(`a running agent survives ${count} malformed files (seed ${hardeningSeed})`, async () => {
  console.log(`hardening: live-agent settings seed ${hardeningSeed} (replay with HARDEN_SEED=${hardeningSeed})`);
  const good = await r.write();
  agent = r.startAgent();
  const ready = await r.untilStatus((d) => d.lastApplied?.revision === revisionOf(good), 'the good file applied');
  const applied = ready.lastApplied!;
  const cases = await rejectedCases();
  assert.is(cases.length, count);
  for (const [i, c] of cases.entries()) {
    await writeFile(`${r.settings}.tmp`, c.bytes);
    await rename(`${r.settings}.tmp`, r.settings);
    const rev = revisionOf(c.bytes);
    const doc = await r.untilStatus((d) => d.lastAttempted?.revision === rev, `case ${i} (${c.kind}) attempted`);
    assert.is(doc.lastAttempted?.outcome, 'Rejected', `case ${i} ${c.kind}`);
    assert.equal(doc.lastApplied, applied, `case ${i} ${c.kind}: the last good settings stay live`);
    assert.is(agent.proc.exitCode, null, `agent exited on case ${i} ${c.kind}: ${agent.output().slice(-2000)}`);
    const leak = leakOf(JSON.stringify(doc), c.password);
    assert.not.ok(leak, `password piece in the status: case ${i} ${c.kind}`);
  }
  const send = await r.cli(['send', '--state-dir', r.stateDir, '--to', 'someone@contoso.test', '--subject', 'after the storm', '--body', '-']);
  assert.is(send.code, 0, send.out + send.err);
  await r.untilDeliveredSubject('after the storm', 15_000);
  await r.untilNothingPending();
  assert.is(await r.deliveredWithSubject('after the storm'), 1);
  const log = agent.output() + (await readFile(`${r.stateDir}/notifications.log`, 'utf8').catch(() => ''));
  for (const c of cases) assert.not.ok(leakOf(log, c.password), `password of a ${c.kind} case in the agent's output`);
  assert.is(agent.proc.exitCode, null);
});

test.run();
