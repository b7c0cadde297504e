// The sandbox's fast single-part path gives byte for byte what nodemailer's own build() gives.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { composeMime, composer } from '../../agent/sandbox/mailbox/compose.ts';
import type { RequestedMessage } from '../../agent/sandbox/mailbox/message.ts';

const text = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 120 }),
  fc.array(fc.constantFrom('a', ' ', '\t', '\r\n', '\n', '\r', 'ü', '€', '=', '.', 'x'.repeat(90)), { maxLength: 40 }).map((parts) => parts.join('')),
);
const address = fc.record({ name: fc.option(fc.string({ maxLength: 30 }), { nil: undefined }), email: fc.constantFrom('a@example.test', 'b.c@example.test', 'üser@example.test') });

test('single-part messages: fast path === MailComposer build()', async () => {
  await fc.assert(fc.asyncProperty(text, text, fc.boolean(), fc.array(address, { minLength: 1, maxLength: 3 }), address, fc.option(address, { nil: undefined }),
    async (subject, body, html, to, from, sender) => {
      const msg: RequestedMessage = { subject, body: { html, text: body }, to, cc: [], bcc: [], replyTo: [], attachments: [] };
      const stamp = { from, sender, messageId: '<fixed@example.test>', date: new Date('2026-01-02T03:04:05Z') };
      const fast = await composeMime(msg, stamp);
      const slow = await composer(msg, stamp).compile().build();
      assert.is(fast.toString('latin1'), slow.toString('latin1'));
    }), { numRuns: 300 });
});

test('messages with attachments go through build() and keep them', async () => {
  const msg: RequestedMessage = { subject: 's', body: { html: false, text: 'b' }, to: [{ email: 'a@example.test' }], cc: [], bcc: [], replyTo: [],
    attachments: [{ name: 'r.txt', isInline: false, content: Buffer.from('hello') }] };
  const mime = (await composeMime(msg, { from: { email: 'f@example.test' }, messageId: '<m@x>', date: new Date(0) })).toString('utf8');
  assert.match(mime, /multipart\/mixed/);
  assert.match(mime, /filename=r\.txt/);
  assert.match(mime, /aGVsbG8=/);
});

test.run();
