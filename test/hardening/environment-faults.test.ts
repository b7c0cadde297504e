// Faults outside the server's answers, against the real agent process: an unresolvable host, a closed
// port, a password rotated on the server (401), a changed server certificate (new CA). Each during
// verification (precise reason, last good settings kept) and, where the live transport can meet it,
// during delivery (the notification waits, then arrives once the fault is fixed: none lost).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../../agent/sandbox/index.ts';
import { buildDirectory } from '../../agent/sandbox/users.ts';
import { createNtlmAcceptor } from '../../agent/sandbox/auth/ntlm-server.ts';
import { revisionOf } from '../../agent/config/revision.ts';
import type { Child } from '../helpers/child.ts';
import { waitFor } from '../helpers/wait.ts';
import { account } from '../run/helpers/e2e.ts';
import { faultRig, readyFaultAgent, type FaultRig } from './faults-rig.ts';
import { secretScan } from './secret-scan.ts';

const rotated = 'R0tated-Passw0rd!';
const faults: Record<string, number> = {};
let r: FaultRig;
let agent: Child;
let current: Sandbox | undefined;
const extraDirs: string[] = [];
let sent = 0;

test.before(async () => {
  r = await faultRig();
  agent = await readyFaultAgent(r);
});
test.after(async () => {
  console.log(`hardening: environment faults ${JSON.stringify(faults)}; notifications sent ${sent}, lost 0`);
  await current?.close();
  await r.cleanup();
  for (const d of extraDirs) await rm(d, { recursive: true, force: true });
});

const count = (what: string) => { faults[what] = (faults[what] ?? 0) + 1; };

/** Replaces the running sandbox by another on the same port (same or another data dir, any password). */
async function restartSandbox(o: { password?: string; dataDir?: string }): Promise<Sandbox> {
  await (current ?? r.sandbox).close();
  const directory = buildDirectory({ users: [{ username: account.username, password: o.password ?? account.password, email: account.email }] });
  current = await startSandbox({ dataDir: o.dataDir ?? r.sandbox.dataDir, port: r.sandbox.port, directory, ntlm: createNtlmAcceptor });
  return current;
}

/** Copies delivered to `subject` across every data dir the sandboxes used. */
async function copiesOf(subject: string): Promise<number> {
  let n = 0;
  for (const dir of [r.sandbox.dataDir, ...extraDirs]) {
    const text = await readFile(join(dir, 'deliveries.jsonl'), 'utf8').catch(() => '');
    n += text.split('\n').filter(Boolean).filter((l) => (JSON.parse(l) as { subject: string }).subject === subject).length;
  }
  return n;
}

async function deliveredOnce(subject: string): Promise<void> {
  await waitFor(async () => (await copiesOf(subject)) > 0, () => `${subject} delivered: ${agent.output().slice(-2000)}`, 60_000, 50);
  await r.untilNothingPending();
  assert.is(await copiesOf(subject), 1, `${subject}: ${agent.output().slice(-2000)}`);
}

/** Waits until the outgoing-notifications log has a line for `id` (that `pred` accepts). */
async function untilLogLine(id: string, pred: (line: Record<string, unknown>) => boolean = () => true): Promise<void> {
  await waitFor(async () => (await r.logLines()).some((l) => l.id === id && pred(l)), () => `a log line for ${id}; the agent said: ${agent.output().slice(-2000)}`, 20_000, 50);
}

async function rejectedWith(text: string, reason: string): Promise<void> {
  const rev = revisionOf(text);
  const before = (await r.untilStatus(() => true, 'any status')).lastApplied?.revision;
  const doc = await r.untilStatus((d) => d.lastAttempted?.revision === rev && d.lastAttempted.outcome !== 'Applied' && !!d.lastAttempted.reason, `${reason} attempted`);
  assert.is(doc.lastAttempted?.reason, reason, JSON.stringify(doc.lastAttempted));
  assert.is(doc.lastApplied?.revision, before, 'the last good settings stay live');
  assert.is(agent.proc.exitCode, null);
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const port = (server.address() as { port: number }).port;
  await new Promise((res) => server.close(res));
  return port;
}

/** Queues a notification with `subject` through the agent (counted for the summary); returns its id. */
async function send(subject: string): Promise<string> {
  const id = await r.send(subject);
  sent += 1;
  return id;
}

/** New settings point at `url`, which the agent cannot reach: verification fails with `reason`, the last good
 *  settings stay live, and a notification sent meanwhile is delivered once by them. */
async function unreachableWhileVerifying(url: string, fault: string, reason: string, subject: string): Promise<void> {
  const text = r.settingsText().replace(r.sandbox.url, url);
  await writeFile(r.settings, text);
  count(`${fault}/verify`);
  await rejectedWith(text, reason);
  await send(subject);
  await deliveredOnce(subject);
}

/** A fault on the server that the live transport meets while delivering, then a new settings file meets while
 *  verifying: the notification waits (retry, `code`: `waitsFor` says why), the file is Stalled on `code`, and
 *  `fix` (the operator's remedy) makes the file Ready and the notification arrive once. */
async function waitsUntilFixed(o: { fault: string; subject: string; code: string; waitsFor: string; charset: string; fix: () => Promise<void>; readyWith: string }): Promise<void> {
  const id = await send(o.subject);
  count(`${o.fault}/delivery`);
  await untilLogLine(id);
  const first = (await r.logLines()).find((l) => l.id === id);
  assert.is(first?.code, o.code, JSON.stringify(first));
  assert.is(first?.result, 'retry', `${o.waitsFor}, not fail: ${JSON.stringify(first)}`);
  const text = await r.write({ charset: o.charset });
  count(`${o.fault}/verify`);
  const res = await r.waitFor(text);
  assert.is(res.code, 1, res.out);
  assert.match(res.out, o.code);
  await o.fix();
  await r.untilStatus((d) => d.lastApplied?.revision === revisionOf(text) && d.conditions.some((c) => c.type === 'Ready' && c.status === 'True'), `Ready with ${o.readyWith}`);
  await deliveredOnce(o.subject);
}

test('an unresolvable host during verification: HostNotFound; notifications still go out', async () => {
  await unreachableWhileVerifying('https://mail.nowhere.invalid/EWS/Exchange.asmx', 'unresolvable-host', 'HostNotFound', 'while the host is unknown');
});

test('a closed port during verification: ConnectionFailed; the old transport still delivers', async () => {
  await unreachableWhileVerifying(`https://127.0.0.1:${await closedPort()}/EWS/Exchange.asmx`, 'closed-port', 'ConnectionFailed', 'while the port is closed');
  assert.is((await r.waitFor(await r.write())).code, 0, 'back to the good file: Ready');
});

test('the server goes away during delivery (closed port): retried with ConnectionFailed, delivered when it is back', async () => {
  await (current ?? r.sandbox).close();
  const id = await send('while the server is down');
  count('closed-port/delivery');
  await untilLogLine(id, (l) => l.result === 'retry');
  const retry = (await r.logLines()).find((l) => l.id === id);
  assert.is(retry?.result, 'retry', JSON.stringify(retry));
  assert.is(retry?.code, 'ConnectionFailed');
  await restartSandbox({});
  await deliveredOnce('while the server is down');
});

test('a password rotated on the server: delivery waits (AuthFailed), verification Stalled (AuthFailed), fixed by the new secret', async () => {
  await restartSandbox({ password: rotated });
  await waitsUntilFixed({
    fault: 'password-rotation', subject: 'after the rotation', code: 'AuthFailed', charset: 'iso-8859-1',
    waitsFor: 'an AuthFailed notification must wait for new credentials',
    fix: () => writeFile(join(r.root, 'conf', 'password'), rotated), readyWith: 'the rotated secret',
  });
});

test('a changed server certificate (new CA): CertificateRejected on delivery and verification, fixed by the new caFile', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'mail-agent-newca-'));
  extraDirs.push(dataDir);
  const sandbox = await restartSandbox({ password: rotated, dataDir });
  await waitsUntilFixed({
    fault: 'changed-certificate', subject: 'after the new certificate', code: 'CertificateRejected', charset: 'iso-8859-2',
    waitsFor: 'must wait for a trusted certificate',
    fix: () => copyFile(sandbox.caPath!, r.sandbox.caPath!), readyWith: 'the new CA',
  });
});

test('no test secret in any file or log these faults produced', async () => {
  const { files, found } = await secretScan(r, [agent.output()], { secrets: [account.password, rotated], moreRoots: extraDirs });
  console.log(`hardening: secret scan of ${files} files and the agent's log: ${found.length} found`);
  assert.equal(found, []);
});

test.run();
