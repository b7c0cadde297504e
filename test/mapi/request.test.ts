// OutgoingMessage → the helper's send request, and charset → code page (no Wine needed).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import iconv from 'iconv-lite';
import { codePageOf } from '../../agent/transports/mapi/code-pages.ts';
import { splitCommandLine } from '../../agent/transports/mapi/helper-command.ts';
import { toSendRequest } from '../../agent/transports/mapi/send-request.ts';
import { outgoing } from './messages.ts';

test('charsets map to Windows code pages, however they are spelt', () => {
  assert.is(codePageOf('utf-8'), 65001);
  assert.is(codePageOf('UTF8'), 65001);
  assert.is(codePageOf('ISO-8859-1'), 28591);
  assert.is(codePageOf('iso_8859-15'), 28605);
  assert.is(codePageOf('windows-1252'), 1252);
  assert.is(codePageOf('Shift_JIS'), 932);
  assert.is(codePageOf('koi8-r'), 20866);
  assert.is(codePageOf('x-unknown'), undefined);
});

test('the HTML travels as bytes in the charset, with its code page', () => {
  const req = toSendRequest(outgoing({ charset: 'windows-1252', html: '<p>€ café</p>', text: '€ café' }), true);
  assert.is(req.cpid, 1252);
  assert.ok(Buffer.from(req.html ?? '', 'base64').equals(iconv.encode('<p>€ café</p>', 'windows-1252')));
  assert.is(req.text, '€ café', 'the text goes as Unicode (PR_BODY_W)');
  assert.is(req.saveCopy, true);
});

test('a charset without a code page falls back to UTF-8 bytes and 65001', () => {
  const req = toSendRequest(outgoing({ charset: 'x-unknown', html: '<p>é</p>' }), false);
  assert.is(req.cpid, 65001);
  assert.is(Buffer.from(req.html ?? '', 'base64').toString('utf8'), '<p>é</p>');
  assert.is(req.saveCopy, false);
});

test('recipients, attachments and on-behalf-of are carried over; a message without parts is refused', () => {
  const req = toSendRequest(outgoing(
    { attachments: [{ filename: 'a.bin', contentType: 'application/octet-stream', content: Buffer.from([0, 255]) }], onBehalfOf: 'boss@contoso.test' },
    { to: ['a@x.test'], cc: ['b@x.test'], bcc: ['c@x.test'] },
  ), true);
  assert.equal([req.to, req.cc, req.bcc], [['a@x.test'], ['b@x.test'], ['c@x.test']]);
  assert.equal(req.attachments, [{ filename: 'a.bin', contentType: 'application/octet-stream', data: 'AP8=' }]);
  assert.is(req.onBehalfOf, 'boss@contoso.test');
  const { parts: _parts, ...bare } = outgoing({});
  assert.throws(() => toSendRequest(bare, true), /needs the message parts/);
});

test('the From of the settings (message.from) is sent as PR_SENT_REPRESENTING; delegation wins over it; none → none', () => {
  assert.is(toSendRequest(outgoing({}, { from: 'helpdesk@contoso.test' }), true).onBehalfOf, 'helpdesk@contoso.test');
  assert.is(toSendRequest(outgoing({ onBehalfOf: 'boss@contoso.test' }, { from: 'boss@contoso.test' }), true).onBehalfOf, 'boss@contoso.test');
  assert.is(toSendRequest(outgoing({}), true).onBehalfOf, undefined);
});

test('MAIL_AGENT_MAPI_HELPER splits like a command line, quotes grouping', () => {
  assert.equal(splitCommandLine('/usr/lib/wine/wine64  native/build/mapi-helper.exe'), ['/usr/lib/wine/wine64', 'native/build/mapi-helper.exe']);
  assert.equal(splitCommandLine('"C:\\Program Files\\mail-agent\\mapi-helper.exe" --x'), ['C:\\Program Files\\mail-agent\\mapi-helper.exe', '--x']);
});

test.run();
