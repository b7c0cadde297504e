import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkNotification } from '../../agent/message/checks.ts';
import type { NotificationInput } from '../../agent/message/types.ts';
import { AgentError } from '../../agent/errors.ts';
import { withTempDir } from '../helpers/temp-dir.ts';
import { utf8Settings } from './helpers.ts';

async function refusal(input: NotificationInput, settings = utf8Settings, cwd = process.cwd()): Promise<AgentError> {
  try {
    await checkNotification(input, settings, { cwd });
  } catch (err) {
    assert.instance(err, AgentError);
    return err as AgentError;
  }
  throw new Error('expected the notification to be refused');
}

const base: NotificationInput = { to: ['ops@contoso.com'], subject: 'ok', body: 'body' };

for (const brk of ['\r', '\n', '\r\n']) {
  const label = JSON.stringify(brk);
  test(`${label} is refused in every header field`, async () => {
    const cases: [string, NotificationInput][] = [
      ['to', { ...base, to: [`ops@contoso.com${brk}Bcc: evil@x.com`] }],
      ['cc', { ...base, cc: [`c@contoso.com${brk}X: y`] }],
      ['bcc', { ...base, bcc: [`b@contoso.com${brk}X: y`] }],
      ['from', { ...base, from: `f@contoso.com${brk}X: y` }],
      ['subject', { ...base, subject: `hello${brk}Bcc: evil@x.com` }],
    ];
    for (const [field, input] of cases) {
      const err = await refusal(input, { ...utf8Settings, fromDelegation: true });
      assert.is(err.code, 'MessageInvalid', field);
      assert.match(err.message, new RegExp(`^${field} contains a line break`), field);
    }
  });
}

test('a line break in an attachment name is refused', async () => {
  await withTempDir(async (dir) => {
    for (const name of ['evil\r\nX-Injected: 1.txt', 'evil\n.txt', 'evil\r.txt']) {
      await writeFile(join(dir, name), 'x');
      const err = await refusal({ ...base, attachments: [{ path: name }] }, utf8Settings, dir);
      assert.is(err.code, 'MessageInvalid');
      assert.match(err.message, /^attachment name contains a line break/);
    }
  });
});

test('invalid addresses are refused, naming the field', async () => {
  for (const bad of ['not-an-address', 'a@', '@b.co', 'a b@c.co', 'a@b', 'a..b@c.co']) {
    const err = await refusal({ ...base, to: [bad] });
    assert.is(err.code, 'MessageInvalid', bad);
    assert.match(err.message, /^to: /, bad);
  }
  assert.is((await refusal({ ...base, to: [], cc: [], bcc: [] })).code, 'MessageInvalid');
});

test('attachments over the limit: refused from their sizes with the total and the limit', async () => {
  await withTempDir(async (dir) => {
    const a = join(dir, 'a.bin');
    const b = join(dir, 'b.bin');
    await writeFile(a, Buffer.alloc(6 * 1024 * 1024));
    await writeFile(b, Buffer.alloc(Math.round(6.4 * 1024 * 1024)));
    const err = await refusal({ ...base, attachments: [{ path: a }, { path: b }] }, { ...utf8Settings, attachmentLimitMB: 10 });
    assert.is(err.code, 'AttachmentLimitExceeded');
    assert.is(err.message, 'attachments total 12.4 MB exceed the 10 MB limit');
    const ok = await checkNotification({ ...base, attachments: [{ path: a }] }, { ...utf8Settings, attachmentLimitMB: 10 }, { cwd: dir });
    assert.is(ok.attachments[0]?.size, 6 * 1024 * 1024);
  });
});

test('a 200 MB (sparse) attachment is refused from its size', async () => {
  await withTempDir(async (dir) => {
    const big = join(dir, 'huge.iso');
    const handle = await open(big, 'w');
    await handle.truncate(200 * 1024 * 1024);
    await handle.close();
    const err = await refusal({ ...base, attachments: [{ path: big }] }, { ...utf8Settings, attachmentLimitMB: 10 });
    assert.is(err.message, 'attachments total 200 MB exceed the 10 MB limit');
  });
});

test('a missing attachment or a directory is refused', async () => {
  await withTempDir(async (dir) => {
    assert.match((await refusal({ ...base, attachments: [{ path: join(dir, 'nope.txt') }] })).message, /'nope.txt' cannot be read \(ENOENT\)/);
    assert.match((await refusal({ ...base, attachments: [{ path: dir }] })).message, /is not a regular file/);
  });
});

test('--from other than the default: refused without delegation, allowed with it', async () => {
  const settings = { ...utf8Settings, from: 'helpdesk@contoso.com' };
  const err = await refusal({ ...base, from: 'boss@contoso.com' }, settings);
  assert.is(err.code, 'FromNotAllowed');
  assert.not.match(err.message, /helpdesk/, 'the settings value is not echoed');
  const same = await checkNotification({ ...base, from: 'HelpDesk@contoso.com' }, settings, { cwd: '.' });
  assert.is(same.onBehalfOf, undefined, 'the default From (any case) needs no delegation');
  const behalf = await checkNotification({ ...base, from: 'boss@contoso.com' }, { ...settings, fromDelegation: true }, { cwd: '.' });
  assert.is(behalf.onBehalfOf, 'boss@contoso.com');
  assert.is(behalf.from?.address, 'boss@contoso.com');
});

test.run();
