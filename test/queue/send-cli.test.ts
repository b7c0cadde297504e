import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { main } from '../../agent/cli/main.ts';
import type { MessageSettings, Settings } from '../../agent/config/settings.ts';
import { Spool } from '../../agent/queue/spool.ts';
import { writeApplied } from '../../agent/state/applied.ts';
import { captureIo } from '../helpers/io.ts';
import { withTempDir } from '../helpers/temp-dir.ts';

async function apply(state: string, message: Partial<MessageSettings>): Promise<void> {
  const settings: Settings = {
    apiVersion: 'mail-agent/v1', kind: 'MailSettings', service: 'ews',
    message: { charset: 'utf-8', plainText: false, fromDelegation: false, ...message },
    test: { onChange: true },
  };
  await writeApplied(state, { revision: 'sha256:abc', settingsDigest: 'sha256:def', appliedAt: new Date().toISOString(), settings });
}

async function spoolFiles(state: string): Promise<string[]> {
  const spool = await Spool.open(state);
  return [...await readdir(spool.paths.pending), ...await readdir(spool.paths.tmp)];
}

test('queues against the defaults (with a warning) when no settings were applied yet; prints the id', async () => {
  await withTempDir(async (state) => {
    const io = captureIo();
    assert.is(await main(['send', '--state-dir', state, '--to', 'ops@contoso.com', '--subject', 'disk full'], io), 0);
    const id = io.out().trim();
    assert.match(id, /^[0-9a-z]{9}-[0-9a-z]{3}-[0-9a-f]{10}$/);
    assert.match(io.err(), /no settings applied yet/);
    assert.equal(await (await Spool.open(state)).pendingIds(), [id]);
  });
});

test('checks against applied.json: over the limit → exit 1 with the reason, nothing queued', async () => {
  await withTempDir(async (state) => {
    await apply(state, { attachmentLimitMB: 1 });
    const big = join(state, 'big.bin');
    await writeFile(big, Buffer.alloc(1536 * 1024));
    const io = captureIo();
    assert.is(await main(['send', '--state-dir', state, '--to', 'ops@contoso.com', '--subject', 's', '--attach', big], io), 1);
    assert.match(io.err(), /attachments total 1\.5 MB exceed the 1 MB limit/);
    assert.is(io.out(), '');
    assert.equal(await spoolFiles(state), []);
  });
});

test('--from refused while delegation is off; queued on behalf when on', async () => {
  await withTempDir(async (state) => {
    await apply(state, { from: 'helpdesk@contoso.com' });
    const refused = captureIo();
    assert.is(await main(['send', '--state-dir', state, '--to', 'a@contoso.com', '--subject', 's', '--from', 'boss@contoso.com'], refused), 1);
    assert.match(refused.err(), /fromDelegation/);
    assert.equal(await spoolFiles(state), []);
    await apply(state, { from: 'helpdesk@contoso.com', fromDelegation: true });
    const ok = captureIo();
    assert.is(await main(['send', '--state-dir', state, '--to', 'a@contoso.com', '--subject', 's', '--from', 'boss@contoso.com', '-o', 'json'], ok), 0);
    const result = JSON.parse(ok.out()) as { ok: boolean; id: string; messageId: string; checkedAgainst: string };
    assert.is(result.checkedAgainst, 'sha256:abc');
    const entry = await (await Spool.open(state)).read(result.id);
    assert.is(entry?.meta.onBehalfOf, 'boss@contoso.com');
    assert.is((await simpleParser(entry?.mime ?? Buffer.alloc(0))).from?.value[0]?.address, 'boss@contoso.com');
  });
});

test('refusals exit 1 with nothing queued: CR/LF in the subject, a bad address, an unencodable character', async () => {
  await withTempDir(async (state) => {
    await apply(state, { charset: 'iso-8859-1' });
    const cases = [
      ['--to', 'a@contoso.com', '--subject', 'hi\r\nBcc: evil@x.com'],
      ['--to', 'not-an-address', '--subject', 'hi'],
      ['--to', 'a@contoso.com', '--subject', 'price €5'],
    ];
    for (const args of cases) {
      const io = captureIo();
      assert.is(await main(['send', '--state-dir', state, ...args], io), 1, args.join(' '));
      assert.ok(io.err().length > 0);
    }
    assert.equal(await spoolFiles(state), []);
  });
});

test('body from stdin (-) as HTML; recipients as lists and repeated flags', async () => {
  await withTempDir(async (state) => {
    const io = captureIo({ stdin: '<p>Backup <b>failed</b></p>' });
    assert.is(await main(['send', '--state-dir', state, '--to', 'a@contoso.com,b@contoso.com', '--to', 'c@contoso.com', '--cc', 'd@contoso.com', '--bcc', 'e@contoso.com', '--subject', 's', '--body', '-', '--html'], io), 0);
    const entry = await (await Spool.open(state)).read(io.out().trim());
    assert.equal(entry?.meta.to, ['a@contoso.com', 'b@contoso.com', 'c@contoso.com']);
    assert.equal(entry?.meta.bcc, ['e@contoso.com']);
    const parsed = await simpleParser(entry?.mime ?? Buffer.alloc(0));
    assert.match(String(parsed.html), /<b>failed<\/b>/);
    assert.match(parsed.text ?? '', /Backup failed/);
  });
});

test('an unreadable applied.json: exit 1 saying so, nothing queued', async () => {
  await withTempDir(async (state) => {
    await writeFile(join(state, 'applied.json'), '{"revision": "sha256:ab');
    const io = captureIo();
    assert.is(await main(['send', '--state-dir', state, '--to', 'a@contoso.com', '--subject', 's'], io), 1);
    assert.match(io.err(), /applied\.json cannot be read \(not valid JSON\)/);
    assert.equal(await spoolFiles(state), []);
  });
});

test('usage errors exit 64', async () => {
  await withTempDir(async (state) => {
    for (const args of [['--to', 'a@contoso.com'], ['--subject', 's'], ['--to', 'a@contoso.com', '--subject', 's', '--bogus']]) {
      const io = captureIo();
      assert.is(await main(['send', '--state-dir', state, ...args], io), 64, args.join(' '));
    }
    const help = captureIo();
    assert.is(await main(['send', '--help'], help), 0);
    assert.match(help.out(), /Usage: mail-agent send/);
  });
});

test.run();
