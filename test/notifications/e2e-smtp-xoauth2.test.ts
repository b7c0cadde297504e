// service: smtp with auth xoauth2 end to end, every part a real process: `mail-agent sandbox --smtp-port 0
// --apps FILE` (its identity platform issues Exchange Online tokens holding SMTP.SendAsApp) and `mail-agent
// run` with a settings file naming the app. Ready with the test message delivered over SMTP, the token's
// expiry in the status file, `mail-agent test` printing it, a `send` delivered; a rotated client secret is
// verified again without a test message; a wrong one Stalls with its AADSTS code while the last good settings
// still send; no secret and no token in the status, the log, the state files, the sandbox's mail or the agent's output.
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../agent/cli/main.ts';
import { atomicWrite } from '../../agent/state/atomic-write.ts';
import { findCondition, type StatusDocument } from '../../agent/status/model.ts';
import { revisionOf } from '../../agent/config/revision.ts';
import type { Child } from '../helpers/child.ts';
import { captureIo } from '../helpers/io.ts';
import { fixturesDir } from '../helpers/oauth.ts';
import { spawnCli } from '../helpers/shipped.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait.ts';
import { readJson } from '../run/helpers/e2e.ts';

const APP = '44444444-0000-0000-0000-000000000001';
const FIRST = 'first-smtp-app-secret';
const ROTATED = 'rotated-smtp-app-secret';
const mailbox = 'notify@sandbox.test';

let root: { path: string; cleanup(): Promise<void> };
let sandboxProcess: Child;
let agent: Child;
let ready: { authority: string; ca: string; dataDir: string; smtp: string };
let settings: string;
let stateDir: string;

test.before(async () => {
  root = await tempDir('smtp-xoauth2-e2e');
  await mkdir(join(root.path, 'conf'));
  settings = join(root.path, 'conf', 'mail-settings.yaml');
  stateDir = join(root.path, 'state');
  const appsFile = join(root.path, 'apps.yaml');
  await writeFile(appsFile, `apps:
  - clientId: ${APP}
    tenant: sandbox.test
    secrets: [${FIRST}, ${ROTATED}]
    certificates: [${join(fixturesDir, 'app.pem')}]
    permissions: [SMTP.SendAsApp]
    mailboxes: [${mailbox}]
`);
  sandboxProcess = spawnCli(['sandbox', '--port', '0', '--smtp-port', '0', '--data-dir', join(root.path, 'sandbox'), '--apps', appsFile, '-o', 'json']);
  await sandboxProcess.waitFor(/\n/, 30_000);
  ready = JSON.parse(sandboxProcess.output().split('\n')[0]!) as typeof ready;
});

test.after(async () => {
  await agent?.kill('SIGKILL');
  await sandboxProcess?.kill();
  await root.cleanup();
});

async function write(secret: string): Promise<string> {
  await writeFile(join(root.path, 'conf', 'client-secret'), `${secret}\n`, { mode: 0o600 });
  const [host, port] = ready.smtp.split(':');
  const text = `apiVersion: mail-agent/v1
kind: MailSettings
service: smtp
message:
  from: ${mailbox}
smtp:
  host: ${host}
  port: ${port}
  auth: xoauth2
  username: ${mailbox}
  tenant: sandbox.test
  clientId: ${APP}
  clientSecret: { file: ./client-secret }
  authorityHost: ${new URL(ready.authority).host}
  caFile: ${ready.ca}
test:
  to: ops@sandbox.test
`;
  // Whole or not at all, as an editor's save: the agent never reads half a file.
  await atomicWrite(settings, text);
  return text;
}

/** A CLI command run in this process (main(argv, io)), its exit code and everything it printed. */
async function cli(args: string[]): Promise<{ code: number; out: string }> {
  const io = captureIo({ env: {}, cwd: root.path });
  return { code: await main(args, io), out: `${io.out()}${io.err()}` };
}

const status = () => readJson<StatusDocument>(join(stateDir, 'status.json'));
/** `mail-agent status --wait` until the agent has applied (or refused) exactly this text. */
const applied = (text: string) => cli(['status', '--status', join(stateDir, 'status.json'), '--wait', '--for-revision', revisionOf(text), '--timeout', '60s']);

/** The sandbox's deliveries.jsonl, written by the sandbox process. */
async function deliveries(): Promise<Record<string, unknown>[]> {
  const lines = (await readFile(join(ready.dataDir, 'deliveries.jsonl'), 'utf8').catch(() => '')).split('\n').filter(Boolean);
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}
const testMessages = async () => (await deliveries()).filter((d) => String(d.subject).startsWith('mail-agent test from')).length;
const delivered = (subject: string) => waitFor(async () => (await deliveries()).some((d) => d.subject === subject), `"${subject}" delivered`, 60_000);

async function statusShows(pred: (doc: StatusDocument) => boolean, what: string): Promise<StatusDocument> {
  let doc: StatusDocument | undefined;
  await waitFor(async () => pred(doc = await status()), `status: ${what}`, 60_000);
  return doc!;
}

async function notify(subject: string): Promise<void> {
  await writeFile(join(root.path, 'conf', 'body.txt'), 'Disk almost full\n');
  const sent = await cli(['send', '--state-dir', stateDir, '--to', 'ops@sandbox.test', '--subject', subject, '--body', join(root.path, 'conf', 'body.txt')]);
  assert.is(sent.code, 0, sent.out);
}

test('Ready over SMTP with XOAUTH2: the test message delivered, the token\'s expiry in the status, a send delivered', async () => {
  const text = await write(FIRST);
  agent = spawnCli(['run', '--config', settings, '--state-dir', stateDir, '--log-format', 'json', '--heartbeat', '500ms']);
  const res = await applied(text);
  assert.is(res.code, 0, res.out + agent.output());
  const doc = await status();
  assert.is(findCondition(doc, 'Ready')?.status, 'True');
  const transport = doc.lastApplied?.transport;
  assert.equal([transport?.service, transport?.endpoint, transport?.auth, transport?.account], ['smtp', `smtp://${ready.smtp}`, 'xoauth2', mailbox]);
  assert.ok(Date.parse(transport?.tokenExpiresAt ?? '') > Date.now() + 3000_000, transport?.tokenExpiresAt);
  assert.is(findCondition(doc, 'TestMessageDelivered')?.reason, 'Delivered');
  assert.is(await testMessages(), 1);
  assert.is((await deliveries())[0]?.operation, 'SMTP');
  await notify('disk almost full (xoauth2)');
  await delivered('disk almost full (xoauth2)');
});

test('mail-agent test: verify prints the token\'s expiry (never the token), the test message is accepted', async () => {
  const result = await cli(['test', '--config', settings, '--to', 'ops@sandbox.test', '--state-dir', stateDir]);
  assert.is(result.code, 0, result.out);
  assert.match(result.out, new RegExp(`verify: ok in \\d+ ms — smtp smtp://${ready.smtp.replace(/\./g, '\\.')} auth xoauth2 as ${mailbox}, token valid until \\d{4}-\\d\\d-\\d\\dT`));
  assert.not.match(result.out, /eyJ/);
});

test('a rotated client secret: verified again (new settings digest), no second test message, CredentialsChanged', async () => {
  const before = await status();
  const sentBefore = await testMessages();
  await write(ROTATED);
  const doc = await statusShows((d) => d.lastApplied?.settingsDigest !== before.lastApplied?.settingsDigest, 'the rotated secret applied');
  assert.is(findCondition(doc, 'TestMessageDelivered')?.reason, 'CredentialsChanged');
  assert.is(await testMessages(), sentBefore);
});

test('a wrong client secret: Stalled with ClientSecretInvalid (AADSTS7000215); the last good settings still send', async () => {
  await write('not-the-secret-at-all');
  const stalled = await statusShows((d) => d.lastAttempted?.reason === 'ClientSecretInvalid', 'the wrong secret refused');
  const transportReady = findCondition(stalled, 'TransportReady');
  assert.equal([findCondition(stalled, 'Stalled')?.status, transportReady?.reason], ['True', 'ClientSecretInvalid']);
  assert.match(transportReady?.message ?? '', /the client secret is not a current secret of application 44444444-0000-0000-0000-000000000001.*\(AADSTS7000215\)/);
  // The last good settings (the rotated secret) stay live and deliver.
  await notify('still sent with the last good secret');
  await delivered('still sent with the last good secret');
  await write(ROTATED);
  await statusShows((d) => d.lastAttempted?.outcome === 'Applied' && findCondition(d, 'Ready')?.status === 'True', 'back to the rotated secret');
});

test('no secret and no token anywhere: the status, the log, the state files, the sandbox\'s mail, the agent\'s output', async () => {
  // Every file of the run but the two that hold the secrets on purpose (the agent's secret file, the sandbox's apps).
  const files = (await readdir(root.path, { recursive: true })).map((rel) => join(root.path, rel)).filter((f) => !/(?:client-secret|apps\.yaml)$/.test(f));
  const texts = [agent.output()];
  for (const file of files) if ((await stat(file).catch(() => undefined))?.isFile()) texts.push(await readFile(file, 'latin1'));
  assert.ok(files.some((f) => f.endsWith('status.json')) && files.some((f) => f.endsWith('notifications.log')) && files.some((f) => f.endsWith('.eml')), files.join('\n'));
  for (const secret of [FIRST, ROTATED, 'not-the-secret-at-all', 'eyJ0eXAiOiJKV1Qi']) {
    assert.not.ok(texts.some((text) => text.includes(secret)), `a secret or a token in the output or a file: ${secret}`);
  }
});

test.run();
