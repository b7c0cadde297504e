// The agent end to end on Graph: the real `mail-agent run` process, the real sandbox (identity platform and
// Graph), a settings file with service: graph. Ready with a test message sent through Graph; the status shows
// the transport and the token's expiry, never the token or the secret; a rotated secret is verified again
// and sends no test message; a wrong one is refused with its AADSTS code while the last good settings stay
// live; notifications go through Graph once — also when an answer is lost or the server throttles, and when
// the agent is killed and restarted inside the Sent Items lag window (the window the delivery worker keeps).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { main } from '../../agent/cli/main.ts';
import { findCondition, type StatusDocument } from '../../agent/status/model.ts';
import { revisionOf } from '../../agent/config/revision.ts';
import type { Child } from '../helpers/child.ts';
import { captureIo } from '../helpers/io.ts';
import { apps, SECRET } from '../helpers/oauth.ts';
import { runCli, spawnCli } from '../helpers/shipped.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor as waitUntil } from '../helpers/wait.ts';
import { buildDirectory } from '../../agent/sandbox/users.ts';
import { tempSandbox, type TestSandbox } from '../sandbox/helpers.ts';

const ROTATED = 'the-rotated-secret-value';
let sandbox: TestSandbox;
let root: { path: string; cleanup(): Promise<void> };
let agent: Child;
let settings: string;
let stateDir: string;
/** How far the sandbox's clock is ahead of the real one: moving it on makes a lagging Sent Items copy show. */
let sandboxAhead = 0;

test.before(async () => {
  root = await tempDir('graph-e2e');
  sandbox = await tempSandbox({
    now: () => new Date(Date.now() + sandboxAhead),
    directory: buildDirectory({ users: [{ username: 'SANDBOX\\notify', password: 'sandbox', email: 'notify@sandbox.test' }, { username: 'SANDBOX\\ops', password: 'sandbox', email: 'ops@sandbox.test' }] }),
    apps: await apps({ clientId: 'ffffffff-0000-0000-0000-000000000001', secrets: [SECRET, ROTATED], permissions: ['Mail.Send', 'Mail.ReadBasic'], mailboxes: ['notify@sandbox.test'] }),
  });
  await mkdir(join(root.path, 'conf'));
  settings = join(root.path, 'conf', 'mail-settings.yaml');
  stateDir = join(root.path, 'state');
});

test.after(async () => {
  await agent?.kill('SIGKILL');
  await sandbox.cleanup();
  await root.cleanup();
});

async function write(secret: string, tenant = 'sandbox.test'): Promise<string> {
  await writeFile(join(root.path, 'conf', 'client-secret'), `${secret}\n`, { mode: 0o600 });
  const text = `apiVersion: mail-agent/v1
kind: MailSettings
service: graph
graph:
  tenant: ${tenant}
  clientId: ffffffff-0000-0000-0000-000000000001
  clientSecret: { file: ./client-secret }
  mailbox: notify@sandbox.test
  authorityHost: 127.0.0.1:${sandbox.port}
  graphHost: 127.0.0.1:${sandbox.port}
  caFile: ${sandbox.caPath}
test:
  to: ops@sandbox.test
`;
  await writeFile(`${settings}.tmp`, text);
  await rename(`${settings}.tmp`, settings);
  return text;
}

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  const io = captureIo({ env: {}, cwd: root.path });
  const code = await main(args, io);
  return { code, out: io.out() + io.err() };
}

const status = async () => JSON.parse(await readFile(join(stateDir, 'status.json'), 'utf8')) as StatusDocument;
const waitFor = (text: string) => runCli(['status', '--status', join(stateDir, 'status.json'), '--wait', '--for-revision', revisionOf(text), '--timeout', '40s']);

async function deliveries(): Promise<Record<string, unknown>[]> {
  const text = await readFile(join(sandbox.dataDir, 'deliveries.jsonl'), 'utf8').catch(() => '');
  return text.trim() === '' ? [] : text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}
const testMessages = async () => (await deliveries()).filter((d) => String(d.subject).startsWith('mail-agent test from')).length;

async function until(pred: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  await waitUntil(pred, () => `${what}\n${agent.output().slice(-3000)}`, timeoutMs, 50);
}

function runAgent(sentItemsLagMs: string): Child {
  return spawnCli(['run', '--config', settings, '--state-dir', stateDir, '--log-format', 'json', '--heartbeat', '500ms', '--metrics-addr', '127.0.0.1:0'],
    { MAIL_AGENT_GRAPH_SENT_ITEMS_LAG_MS: sentItemsLagMs });
}

async function notify(subject: string): Promise<void> {
  const sent = await cli(['send', '--state-dir', stateDir, '--to', 'ops@sandbox.test', '--subject', subject, '--body', join(root.path, 'conf', 'client-secret').replace(/client-secret$/, 'body.txt')]);
  assert.is(sent.code, 0, sent.out);
}

test('Ready through Graph with one test message; the status shows the transport and the token\'s expiry', async () => {
  await writeFile(join(root.path, 'conf', 'body.txt'), 'Disk almost full\n');
  const text = await write(SECRET);
  agent = runAgent('0');
  const res = await waitFor(text);
  assert.is(res.code, 0, res.out + agent.output());
  assert.is(await testMessages(), 1);
  assert.is((await deliveries())[0]?.operation, 'sendMail');
  const doc = await status();
  const transport = doc.lastApplied?.transport;
  assert.equal([transport?.service, transport?.endpoint, transport?.auth, transport?.account],
    ['graph', `https://127.0.0.1:${sandbox.port}/v1.0/users/notify@sandbox.test`, 'oauth-client-secret', 'notify@sandbox.test']);
  assert.ok(Date.parse(transport?.tokenExpiresAt ?? '') > Date.now() + 3000_000);
  assert.is(findCondition(doc, 'TestMessageDelivered')?.reason, 'Delivered');
  const printed = await cli(['status', '--status', join(stateDir, 'status.json')]);
  assert.match(printed.out, /graph/);
});

async function untilStatus(pred: (doc: StatusDocument) => boolean, what: string): Promise<StatusDocument> {
  let doc = await status();
  await until(async () => pred(doc = await status()), what);
  return doc;
}

test('metrics: the live transport is graph, and the token\'s expiry is a gauge', async () => {
  await agent.waitFor(/"message":"metrics listening"/, 20_000);
  const address = /"address":"([^"]+)"/.exec(agent.output().split('\n').find((l) => l.includes('metrics listening')) ?? '')?.[1];
  const text = await (await fetch(`http://${address}/metrics`)).text();
  assert.match(text, /mail_agent_transport_info\{service="graph",endpoint="https:\/\/127\.0\.0\.1:\d+\/v1\.0\/users\/notify@sandbox\.test",auth="oauth-client-secret",server_version="",server_build=""\} 1/);
  const expiry = Number(/^mail_agent_token_expiry_timestamp_seconds (\S+)$/m.exec(text)?.[1]);
  assert.ok(expiry > Date.now() / 1000 + 3000, String(expiry));
});

test('a rotated secret file: verified again (new settings digest), no test message, reported as CredentialsChanged', async () => {
  const before = await status();
  // The same settings file: only the secret file it names changes (the agent watches it).
  await write(ROTATED);
  const doc = await untilStatus((d) => d.lastApplied?.settingsDigest !== before.lastApplied?.settingsDigest, 'the rotated secret applied');
  assert.is(findCondition(doc, 'TestMessageDelivered')?.reason, 'CredentialsChanged');
  assert.is(await testMessages(), 1);
});

test('a wrong secret: Stalled with ClientSecretInvalid and the AADSTS code; the last good settings still send', async () => {
  await write('not-the-secret-at-all');
  const doc = await untilStatus((d) => d.lastAttempted?.reason === 'ClientSecretInvalid', 'the wrong secret refused');
  assert.is(findCondition(doc, 'Stalled')?.status, 'True');
  assert.match(findCondition(doc, 'TransportReady')?.message ?? '', /AADSTS7000215/);
  await notify('still sent through the last good settings');
  await until(async () => (await deliveries()).some((d) => d.subject === 'still sent through the last good settings'), 'delivery');
  await write(ROTATED);
  await untilStatus((d) => d.lastAttempted?.outcome === 'Applied' && findCondition(d, 'Ready')?.status === 'True', 'back to the rotated secret');
});

test('a lost answer (the send ran, the connection was cut): checked in Sent Items, not sent again', async () => {
  sandbox.setFaults([{ kind: 'reset', count: 1, match: '/sendMail' }]);
  await notify('answer lost');
  await until(async () => (await readFile(join(stateDir, 'notifications.log'), 'utf8').catch(() => '')).includes('"confirmedBy":"wasSent"'), 'confirmed by wasSent');
  assert.is((await deliveries()).filter((d) => d.subject === 'answer lost').length, 1);
});

test('throttled (429 with Retry-After): retried after it, delivered once', async () => {
  sandbox.setFaults([{ kind: 'busy', count: 1, backoffMs: 1000, match: '/sendMail' }]);
  await notify('after a 429');
  await until(async () => (await deliveries()).some((d) => d.subject === 'after a 429'), 'delivery after the 429');
  const log = await readFile(join(stateDir, 'notifications.log'), 'utf8');
  assert.match(log, /"result":"retry".*"code":"ServerBusy".*"serverCode":"ApplicationThrottled"/);
  assert.match(log, /"transport":"graph https:\/\/127\.0\.0\.1:\d+\/v1\.0\/users\/notify@sandbox\.test"/);
  assert.is((await deliveries()).filter((d) => d.subject === 'after a 429').length, 1);
});

test('Sent Items lags: a lost answer is "not sent yet" (OutcomeUnknown) inside the window; the agent killed and restarted there does not send it again; found once the copy shows', async () => {
  const lines = async (subject: string): Promise<Record<string, unknown>[]> => (await readFile(join(stateDir, 'notifications.log'), 'utf8').catch(() => ''))
    .split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.subject === subject);
  const WINDOW = '15000';
  await agent.kill('SIGTERM');
  agent = runAgent(WINDOW);
  await agent.waitFor(/"message":"metrics listening"/, 20_000);
  sandbox.setLimits({ sentItemsLagMs: 600_000 }); // the copy shows only when the test moves the sandbox's clock on
  sandbox.setFaults([{ kind: 'reset', count: 1, match: '/sendMail' }]);
  await notify('lag window');
  await until(async () => (await lines('lag window')).some((e) => e.code === 'OutcomeUnknown'), 'the look inside the window');
  assert.equal((await lines('lag window')).map((e) => e.code), ['ConnectionFailed', 'OutcomeUnknown']);
  await agent.kill('SIGKILL');
  agent = runAgent(WINDOW);
  await agent.waitFor(/"message":"metrics listening"/, 20_000);
  sandboxAhead += 600_000;
  await until(async () => (await lines('lag window')).some((e) => e.result === 'delivered'), 'confirmed after the window', 60_000);
  const after = (await lines('lag window')).slice(2);
  assert.equal(after.map((e) => [e.result, e.confirmedBy]), [['delivered', 'wasSent']], 'no second look and no send after the restart: the window kept');
  assert.is((await deliveries()).filter((d) => d.subject === 'lag window').length, 1);
  sandbox.setLimits({ sentItemsLagMs: null });
});

test('an unknown tenant: TenantNotFound (AADSTS90002)', async () => {
  const text = await write(ROTATED, 'fabrikam.test');
  assert.is((await waitFor(text)).code, 1);
  const doc = await status();
  assert.is(doc.lastAttempted?.reason, 'TenantNotFound');
  assert.match(findCondition(doc, 'TransportReady')?.message ?? '', /AADSTS90002/);
});

test('no secret and no token anywhere: state, status, log, agent output', async () => {
  const files: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const name of await readdir(d)) {
      const p = join(d, name);
      // A status write's temporary file may be gone by now.
      const info = await stat(p).catch(() => undefined);
      if (info?.isDirectory()) await walk(p);
      else if (!info) continue;
      else if (!p.endsWith('client-secret')) files.push(p);
    }
  };
  await walk(root.path);
  assert.ok(files.length >= 4);
  const texts = [agent.output(), ...(await Promise.all(files.map((f) => readFile(f, 'latin1').catch(() => ''))))];
  for (const t of texts) {
    for (const secret of [SECRET, ROTATED, 'eyJ0eXAiOiJKV1Qi']) assert.not.ok(t.includes(secret), `a secret or a token in the output or a state file: ${secret}`);
  }
});

test.run();
