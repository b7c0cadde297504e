// `--from` and its delegation end to end: refused at `send` while fromDelegation is off; with it on,
// delivered on behalf of an owner the account is granted (sandbox users file with sendOnBehalf), and failed
// with the server's ErrorSendAsDenied for one it is not.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { revisionOf } from '../../agent/config/revision.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { account, rig, type Rig } from '../run/helpers/e2e.ts';
import { emlOf, notificationsLog, sendOne, untilDelivered } from './helpers.ts';

let r: Rig;
let users: Awaited<ReturnType<typeof tempDir>>;
const owner = 'boss@contoso.test';

test.before(async () => {
  users = await tempDir('users');
  const file = join(users.path, 'users.yaml');
  await writeFile(file, `users:
  - username: '${account.username}'
    password: '${account.password}'
    email: ${account.email}
    sendOnBehalf: [${owner}]
`);
  r = await rig({ usersFile: file, directory: undefined });
  const text = await r.write();
  r.startAgent();
  const res = await r.cli(['status', '--status', r.statusPath, '--wait', '--for-revision', revisionOf(text), '--timeout', '30s']);
  assert.is(res.code, 0, res.out + res.err);
});
test.after(async () => {
  await r.cleanup();
  await users.cleanup();
});

test('--from while fromDelegation is off: exit 1, nothing queued', async () => {
  const res = await r.cli(['send', '--state-dir', r.stateDir, '--to', 'ops@contoso.test', '--subject', 'as the boss', '--from', owner]);
  assert.is(res.code, 1, res.out + res.err);
  assert.match(res.out + res.err, 'fromDelegation');
  assert.equal(await readdir(join(r.stateDir, 'spool', 'pending')), []);
});

test('fromDelegation on, granted: delivered on behalf (From: owner, Sender: account)', async () => {
  const text = await r.write({ message: '  fromDelegation: true\n' });
  assert.is((await r.cli(['status', '--status', r.statusPath, '--wait', '--for-revision', revisionOf(text), '--timeout', '30s'])).code, 0);
  await sendOne(r, ['--to', 'ops@contoso.test', '--subject', 'on behalf', '--from', owner]);
  const [d] = await untilDelivered(r, 'on behalf', 1);
  const parsed = await simpleParser(await emlOf(r, d!));
  assert.is(parsed.from?.value[0]?.address, owner);
  const sender = parsed.headers.get('sender') as { value: { address: string }[] } | undefined;
  assert.is(sender?.value[0]?.address, account.email);
});

test('fromDelegation on, not granted: failed with SendAsDenied and the server reason in the log', async () => {
  const { id } = await sendOne(r, ['--to', 'ops@contoso.test', '--subject', 'as a stranger', '--from', 'stranger@contoso.test']);
  const doc = await r.untilStatus((s) => s.queue.failed === 1 && s.queue.pending === 0, 'one failed');
  assert.is(doc.queue.delivered, 1); // the on-behalf one (test messages do not go through the queue)
  const entries = (await notificationsLog(r)).filter((e) => e.id === id);
  assert.is(entries.length, 1, 'a permanent failure is not retried');
  assert.is(entries[0]?.result, 'failed');
  assert.is(entries[0]?.serverCode, 'ErrorSendAsDenied');
  assert.ok((entries[0]?.reason ?? '').length > 10, entries[0]?.reason);
  const shown = await r.cli(['log', '--state-dir', r.stateDir, '--tail', '5']);
  assert.match(shown.out, 'ErrorSendAsDenied');
  assert.ok((await readdir(join(r.stateDir, 'spool', 'failed'))).some((f) => f.startsWith(id)));
});

test.run();
