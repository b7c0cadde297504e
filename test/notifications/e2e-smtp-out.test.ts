// service: smtp end to end: the real agent process verifies against the sandbox's SMTP port (STARTTLS with
// the caFile, AUTH LOGIN), proves the settings with a test message, delivers what `mail-agent send` queues,
// and a rotated-away password stalls it with the server's reason.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { account, rig, TestTo, type Rig } from '../run/helpers/e2e.ts';
import { sendOne, untilDelivered, untilLogged } from './helpers.ts';

let r: Rig;

const settings = (password = 'password') => `apiVersion: mail-agent/v1
kind: MailSettings
service: smtp
message:
  from: ${account.email}
smtp:
  host: 127.0.0.1
  port: ${r.sandbox.smtp!.port}
  username: ${account.email}
  password: { file: ./${password} }
  caFile: ${r.sandbox.caPath}
test:
  to: ${TestTo}
`;

test.before(async () => {
  r = await rig({ smtpPort: 0 });
});
test.after(async () => {
  await r?.cleanup();
});

test('the agent goes Ready through SMTP: the test message and a notification arrive over SMTP', async () => {
  await writeFile(r.settings, settings());
  const agent = r.startAgent();
  const doc = await r.untilStatus((d) => d.conditions.some((c) => c.type === 'Ready' && c.status === 'True'), 'Ready', 30_000);
  assert.equal(doc.lastApplied?.transport, { service: 'smtp', endpoint: `smtp://127.0.0.1:${r.sandbox.smtp!.port}`, auth: 'login', account: account.email });
  const tests = await untilDelivered(r, 'mail-agent test from', 1);
  assert.is((tests[0] as unknown as { operation: string }).operation, 'SMTP');
  const { messageId } = await sendOne(r, ['--to', TestTo, '--bcc', 'audit@contoso.test', '--subject', 'smtp out 1', '--body', '-']);
  const [delivered] = await untilDelivered(r, 'smtp out 1', 1);
  assert.is(delivered?.messageId, messageId);
  assert.equal((delivered as unknown as { bcc: string[] }).bcc, ['audit@contoso.test']);
  const line = await untilLogged(r, messageId);
  assert.is(line.transport, `smtp smtp://127.0.0.1:${r.sandbox.smtp!.port}`);
  await agent.kill();
});

test('a wrong password: Stalled with AuthFailed and the server\'s 535 5.7.3; the password never appears', async () => {
  await writeFile(join(r.root, 'conf', 'password'), 'rotated-away');
  await writeFile(r.settings, settings());
  const agent = r.startAgent();
  const doc = await r.untilStatus((d) => d.conditions.some((c) => c.type === 'Stalled' && c.status === 'True'), 'Stalled', 30_000);
  const ready = doc.conditions.find((c) => c.type === 'TransportReady');
  assert.is(ready?.reason, 'AuthFailed');
  assert.match(ready!.message, /535 5\.7\.3/);
  assert.not.ok(JSON.stringify(doc).includes('rotated-away'));
  await agent.kill();
  await writeFile(join(r.root, 'conf', 'password'), account.password);
});

test.run();
