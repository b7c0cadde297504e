// The sandbox's fast single-part path gives what nodemailer's own build() gives: the same header block
// byte for byte, and a body that decodes to the same bytes. (Quoted-printable line wrapping may differ:
// nodemailer's streaming encoder wraps per chunk; both are valid QP with lines of at most 76 characters.)
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
      const [fastHead, fastBody] = splitMessage(fast.toString('latin1'));
      const [slowHead, slowBody] = splitMessage(slow.toString('latin1'));
      assert.is(fastHead, slowHead);
      const qp = /Content-Transfer-Encoding: quoted-printable/i.test(fastHead);
      assert.equal(decodeBody(fastBody, qp), decodeBody(slowBody, qp));
      // A bare LF of the text stays literal in nodemailer's quoted-printable too; a reader breaks the line there.
      for (const line of fastBody.split(/\r\n|\n|\r/)) assert.ok(line.length <= 76, 'line over 76 characters');
    }), { numRuns: 300 });
});

function splitMessage(mime: string): [string, string] {
  const at = mime.indexOf('\r\n\r\n');
  return [mime.slice(0, at), mime.slice(at + 4)];
}

/** The body's bytes after transfer decoding (quoted-printable soft breaks and =XX escapes), as hex. */
function decodeBody(body: string, quotedPrintable: boolean): string {
  if (!quotedPrintable) return Buffer.from(body, 'latin1').toString('hex');
  const unfolded = body.replace(/=\r\n/g, '');
  return Buffer.from(unfolded.replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('hex');
}

test('messages with attachments go through build() and keep them', async () => {
  const msg: RequestedMessage = { subject: 's', body: { html: false, text: 'b' }, to: [{ email: 'a@example.test' }], cc: [], bcc: [], replyTo: [],
    attachments: [{ name: 'r.txt', isInline: false, content: Buffer.from('hello') }] };
  const mime = (await composeMime(msg, { from: { email: 'f@example.test' }, messageId: '<m@x>', date: new Date(0) })).toString('utf8');
  assert.match(mime, /multipart\/mixed/);
  assert.match(mime, /filename=r\.txt/);
  assert.match(mime, /aGVsbG8=/);
});

test.run();
