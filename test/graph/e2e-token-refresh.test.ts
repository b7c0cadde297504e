// #14: a token refresh is no settings change. The real `mail-agent run` on Graph against the real sandbox,
// whose app issues tokens that live 2 s: once the status heartbeat has passed the first token's expiry, a
// notification needs a new token and the status shows its later expiry (a refresh before use); then the
// sandbox refuses the next sendMail's token as expired (401 invalid_token, a refresh on demand). Through
// both: the same revision and settings digest in the status, no second verify, no second test message, and
// every notification delivered once.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { main } from '../../agent/cli/main.ts';
import { findCondition, type StatusDocument } from '../../agent/status/model.ts';
import { revisionOf } from '../../agent/config/revision.ts';
import type { Child } from '../helpers/child.ts';
import { spawnCli } from '../helpers/shipped.ts';
import { captureIo } from '../helpers/io.ts';
import { apps, SECRET } from '../helpers/oauth.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait.ts';
import { buildDirectory } from '../../agent/sandbox/users.ts';
import { tempSandbox, type TestSandbox } from '../sandbox/helpers.ts';

const CLIENT_ID = 'ffffffff-0000-0000-0000-000000000002';
let sandbox: TestSandbox;
let root: { path: string; cleanup(): Promise<void> };
let agent: Child | undefined;

test.before(async () => {
  root = await tempDir('graph-token-refresh');
  sandbox = await tempSandbox({
    directory: buildDirectory({ users: [{ username: 'SANDBOX\\notify', password: 'sandbox', email: 'notify@sandbox.test' }] }),
    apps: await apps({ clientId: CLIENT_ID, secrets: [SECRET], permissions: ['Mail.Send', 'Mail.ReadBasic'], mailboxes: ['notify@sandbox.test'], tokenLifetimeSeconds: 2 }),
  });
});
test.after(async () => {
  await agent?.kill('SIGKILL');
  await sandbox.cleanup();
  await root.cleanup();
});

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  const io = captureIo({ env: {}, cwd: root.path });
  const code = await main(args, io);
  return { code, out: io.out() + io.err() };
}

async function deliveries(): Promise<{ subject: string }[]> {
  const text = await readFile(join(sandbox.dataDir, 'deliveries.jsonl'), 'utf8').catch(() => '');
  return text.trim() === '' ? [] : text.trim().split('\n').map((l) => JSON.parse(l) as { subject: string });
}
const delivered = async (subject: string) => (await deliveries()).filter((d) => d.subject === subject).length;
const testMessages = async () => (await deliveries()).filter((d) => d.subject.startsWith('mail-agent test from')).length;
const verifyLines = () => agent!.output().split('\n').filter((l) => l.includes('"step":"verify"')).length;

test('a token refreshed before expiry and on a 401 invalid_token: same revision and digest, no verify, no test message, notifications delivered', async () => {
  const conf = join(root.path, 'conf');
  const stateDir = join(root.path, 'state');
  const statusFile = join(stateDir, 'status.json');
  await mkdir(conf);
  await writeFile(join(conf, 'client-secret'), `${SECRET}\n`, { mode: 0o600 });
  await writeFile(join(conf, 'body.txt'), 'Disk almost full\n');
  const settings = join(conf, 'mail-settings.yaml');
  const text = `apiVersion: mail-agent/v1\nkind: MailSettings\nservice: graph\ngraph:\n  tenant: sandbox.test\n  clientId: ${CLIENT_ID}\n`
    + `  clientSecret: { file: ./client-secret }\n  mailbox: notify@sandbox.test\n  authorityHost: 127.0.0.1:${sandbox.port}\n`
    + `  graphHost: 127.0.0.1:${sandbox.port}\n  caFile: ${sandbox.caPath}\ntest:\n  to: ops@sandbox.test\n`;
  await writeFile(settings, text);
  agent = spawnCli(['run', '--config', settings, '--state-dir', stateDir, '--log-format', 'json', '--heartbeat', '200ms']);
  const ready = await cli(['status', '--status', statusFile, '--wait', '--for-revision', revisionOf(text), '--timeout', '40s']);
  assert.is(ready.code, 0, ready.out + agent.output());
  const readStatus = async () => JSON.parse(await readFile(statusFile, 'utf8')) as StatusDocument;
  const before = await readStatus();
  const firstExpiry = Date.parse(before.lastApplied?.transport.tokenExpiresAt ?? '');
  assert.ok(firstExpiry > 0, 'the status shows the token\'s expiry');
  assert.is(await testMessages(), 1);
  assert.is(verifyLines(), 1);

  const notify = async (subject: string): Promise<void> => {
    const sent = await cli(['send', '--state-dir', stateDir, '--to', 'ops@sandbox.test', '--subject', subject, '--body', join(conf, 'body.txt')]);
    assert.is(sent.code, 0, sent.out);
    await waitFor(async () => (await delivered(subject)) === 1, `"${subject}" delivered`, 30_000);
  };
  // The status heartbeat (the agent's clock) passes the first token's expiry: the next notification needs a
  // new token, and the heartbeat then shows the new token's expiry.
  await waitFor(async () => Date.parse((await readStatus()).writtenAt) > firstExpiry, 'a status written after the first token expired', 30_000);
  await notify('after the token expired');
  await waitFor(async () => Date.parse((await readStatus()).lastApplied?.transport.tokenExpiresAt ?? '') > firstExpiry, 'the refreshed token in the status', 30_000);

  // The server refuses the next sendMail's token as expired: a new token, the same notification sent once.
  sandbox.setFaults([{ kind: 'expired', count: 1, match: '/sendMail' }]);
  await notify('after a 401 invalid_token');
  await notify('after the refreshes');

  const after = await readStatus();
  assert.is(after.lastApplied?.revision, before.lastApplied?.revision, 'the same revision');
  assert.is(after.lastApplied?.settingsDigest, before.lastApplied?.settingsDigest, 'the same settings digest');
  assert.equal(after.lastAttempted, before.lastAttempted, 'no new attempt');
  assert.equal(findCondition(after, 'TestMessageDelivered'), findCondition(before, 'TestMessageDelivered'));
  assert.is(findCondition(after, 'Ready')?.status, 'True');
  assert.is(verifyLines(), 1, 'no second verify');
  assert.is(await testMessages(), 1, 'no second test message');
  const log = await readFile(join(stateDir, 'notifications.log'), 'utf8');
  assert.match(log, /"subject":"after a 401 invalid_token".*"result":"delivered"/);
});

test.run();
