import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toOutgoing } from '../../agent/queue/outgoing.ts';
import { submitNotification } from '../../agent/queue/submit.ts';
import { withTempDir } from '../helpers/temp-dir.ts';
import { Spool } from './helpers.ts';

test('a spool entry becomes an OutgoingMessage: the stored MIME, the envelope, and parts for MAPI', async () => {
  await withTempDir(async (state) => {
    const spool = await Spool.open(state);
    const content = Buffer.from([0, 1, 2, 250, 251, 252]);
    await writeFile(join(state, 'Prüfbericht.bin'), content);
    const q = await submitNotification(spool, {
      to: ['a@contoso.com'], cc: ['b@contoso.com'], bcc: ['c@contoso.com'], from: 'boss@contoso.com',
      subject: 'Grüße', body: '<p>Hallo <b>Welt</b></p>', html: true, attachments: [{ path: 'Prüfbericht.bin' }],
    }, { charset: 'windows-1252', plainText: false, fromDelegation: true }, { cwd: state });
    const entry = await spool.read(q.id);
    assert.ok(entry);
    const out = await toOutgoing(entry);
    assert.is(out.messageId, q.messageId);
    assert.equal([out.from, out.to, out.cc, out.bcc], ['boss@contoso.com', ['a@contoso.com'], ['b@contoso.com'], ['c@contoso.com']]);
    assert.is(out.subject, 'Grüße');
    assert.ok(out.mime.equals(entry.mime), 'the MIME as stored, not re-composed');
    assert.is(out.parts?.charset, 'windows-1252');
    assert.is(out.parts?.html, '<p>Hallo <b>Welt</b></p>');
    assert.match(out.parts?.text ?? '', /Hallo Welt/);
    assert.is(out.parts?.onBehalfOf, 'boss@contoso.com');
    assert.equal(out.parts?.attachments.map((a) => [a.filename, a.contentType]), [['Prüfbericht.bin', 'application/octet-stream']]);
    assert.ok(out.parts?.attachments[0]?.content.equals(content));
  });
});

test.run();
