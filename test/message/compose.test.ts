import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { withTempDir } from '../helpers/temp-dir.ts';
import { composeFor, utf8Settings } from './helpers.ts';

const html = '<h1>Disk full</h1><p>Server <b>db-01</b> is at 98%.</p><ul><li>Clean /var/log</li></ul>';

test('plainText: true sends text/plain only, HTML input turned into readable text', async () => {
  const mime = await composeFor({ to: ['a@b.co'], subject: 's', body: html, html: true }, { ...utf8Settings, plainText: true });
  const parsed = await simpleParser(mime);
  assert.is(parsed.html, false, 'no HTML part');
  assert.not.match(mime.toString('latin1'), /text\/html/i);
  assert.match(parsed.text ?? '', /DISK FULL/i);
  assert.match(parsed.text ?? '', /Server db-01 is at 98%/);
  assert.not.match(parsed.text ?? '', /<b>|<p>/);
});

test('plainText: false sends HTML with a text alternative', async () => {
  const mime = await composeFor({ to: ['a@b.co'], subject: 's', body: html, html: true }, utf8Settings);
  assert.match(mime.toString('latin1'), /multipart\/alternative/);
  const parsed = await simpleParser(mime);
  assert.match(String(parsed.html), /<b>db-01<\/b>/);
  assert.match(parsed.text ?? '', /Server db-01 is at 98%/);
});

test('attachments keep their (non-ASCII) names, types and bytes; only the base name is used', async () => {
  await withTempDir(async (dir) => {
    await mkdir(join(dir, 'sub'));
    const pdf = Buffer.from('%PDF-1.4 fake\n\x00\x01\x02', 'latin1');
    await writeFile(join(dir, 'sub', 'Rapport été – №5.pdf'), pdf);
    await writeFile(join(dir, 'data.csv'), 'a,b\n1,2\n');
    const mime = await composeFor({
      to: ['a@b.co'], subject: 's', body: 'see attached',
      attachments: [{ path: 'sub/../sub/Rapport été – №5.pdf' }, { path: join(dir, 'data.csv') }],
    }, utf8Settings, dir);
    assert.not.match(mime.toString('latin1'), /sub\//, 'no directory in the message');
    const parsed = await simpleParser(mime);
    assert.equal(parsed.attachments.map((a) => a.filename), ['Rapport été – №5.pdf', 'data.csv']);
    assert.equal(parsed.attachments.map((a) => a.contentType), ['application/pdf', 'text/csv']);
    assert.ok(parsed.attachments[0]?.content.equals(pdf));
  });
});

test('Message-ID is the fixed one; Bcc stays out of the headers; To/Cc are there', async () => {
  const mime = await composeFor({ to: ['a@b.co, Ops Team <ops@b.co>'], cc: ['c@b.co'], bcc: ['hidden@b.co'], subject: 's', body: 'b' }, utf8Settings);
  const parsed = await simpleParser(mime);
  assert.is(parsed.messageId, '<fixed-id@mail-agent.invalid>');
  assert.not.match(mime.toString('latin1'), /hidden@b\.co/);
  assert.match(mime.toString('latin1'), /^To: a@b\.co, Ops Team <ops@b\.co>\r$/m);
  assert.match(mime.toString('latin1'), /^Cc: c@b\.co\r$/m);
});

test('the configured From is used; a --from other than it is sent on behalf when delegation is on', async () => {
  const settings = { ...utf8Settings, from: 'helpdesk@contoso.com', fromDelegation: true };
  const own = await simpleParser(await composeFor({ to: ['a@b.co'], subject: 's' }, settings));
  assert.is(own.from?.value[0]?.address, 'helpdesk@contoso.com');
  const behalf = await simpleParser(await composeFor({ to: ['a@b.co'], subject: 's', from: 'owner@contoso.com' }, settings));
  assert.is(behalf.from?.value[0]?.address, 'owner@contoso.com');
  assert.is(behalf.headers.get('sender'), undefined, 'Sender is stamped by the server, not by us');
});

test('no configured From and no --from: no From header (the server uses the account)', async () => {
  const mime = await composeFor({ to: ['a@b.co'], subject: 's' }, utf8Settings);
  assert.not.match(mime.toString('latin1'), /^From:/m);
});

test.run();
