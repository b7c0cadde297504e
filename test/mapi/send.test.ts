// End to end under Wine: the TS transport → wine64 mapi-helper.exe → Wine's mapi32 → the test provider,
// whose log shows what MAPI was asked to send.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import iconv from 'iconv-lite';
import { randomBytes } from 'node:crypto';
import { createMapiTransport } from '../../agent/transports/mapi/index.ts';
import { mapiSettings as settings } from './settings.ts';
import { outgoing } from './messages.ts';
import { withLoggedTransport } from './logged-transport.ts';
import { readLog, wineTests } from './wine.ts';

const MAPI_LOGON_UI = 0x1, MAPI_PASSWORD_UI = 0x20000, MAPI_USE_DEFAULT = 0x40, MAPI_EXPLICIT_PROFILE = 0x10;
const MAPI_UNICODE = 0x80000000, MAPI_NO_MAIL = 0x8000;

wineTests('test/mapi/send.test.ts', test, (wine) => {
  test('default profile: verify logs on to the default profile; HTML + text + attachments + on behalf', async () => {
    const log = wine().newLog();
    const spawned: (number | undefined)[] = [];
    const t = createMapiTransport(settings('default'), { env: wine().env({ MAPI_TEST_PROVIDER_LOG: log }), onHelperSpawn: (pid) => spawned.push(pid) });
    try {
      const info = await t.verify();
      assert.is(info.service, 'mapi');
      assert.is(info.endpoint, 'Outlook');
      const pdf = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x10, 0x80]);
      const message = outgoing({
        text: 'Plain part: café',
        html: '<p>HTML part: <b>café</b> ✓</p>',
        attachments: [
          { filename: 'report.pdf', contentType: 'application/pdf', content: pdf },
          { filename: 'notes ü.txt', contentType: 'text/plain', content: Buffer.from('hello\n') },
        ],
        onBehalfOf: 'helpdesk@contoso.test',
      }, { to: ['a@contoso.test', 'b@contoso.test'], cc: ['c@contoso.test'], bcc: ['d@contoso.test'], subject: 'Grüße ✓' });
      const result = await t.send(message);
      assert.is(result.messageId, message.messageId);
      await t.send(outgoing({ text: 'second' }));
      assert.is(spawned.length, 1, 'one long-lived helper served verify and both sends');

      const [rec, second] = readLog(log);
      assert.ok(rec && second);
      assert.is(rec.profile, 'Outlook');
      assert.ok(rec.logonFlags & MAPI_USE_DEFAULT);
      assert.is(rec.logonFlags & (MAPI_LOGON_UI | MAPI_PASSWORD_UI), 0, 'never a UI flag');
      assert.ok(rec.logonFlags & MAPI_NO_MAIL && rec.logonFlags & MAPI_UNICODE);
      assert.is(rec.props.PR_MESSAGE_CLASS_W, 'IPM.Note');
      assert.is(rec.props.PR_SUBJECT_W, 'Grüße ✓');
      assert.is(rec.props.PR_INTERNET_MESSAGE_ID_W, message.messageId);
      assert.is(rec.props.PR_BODY_W, 'Plain part: café');
      assert.is(Buffer.from(String(rec.props.PR_HTML), 'base64').toString('utf8'), '<p>HTML part: <b>café</b> ✓</p>');
      assert.is(rec.props.PR_INTERNET_CPID, 65001);
      assert.is(rec.props.PR_SENT_REPRESENTING_EMAIL_ADDRESS_W, 'helpdesk@contoso.test');
      assert.is(rec.props.PR_SENT_REPRESENTING_ADDRTYPE_W, 'SMTP');
      assert.ok(rec.props.PR_SENTMAIL_ENTRYID, 'a copy goes to Sent Items');
      assert.is(rec.props.PR_DELETE_AFTER_SUBMIT, undefined);
      assert.equal(rec.recipients.map((r) => [r.PR_RECIPIENT_TYPE, r.PR_EMAIL_ADDRESS_W, r.PR_ADDRTYPE_W]), [
        [1, 'a@contoso.test', 'SMTP'], [1, 'b@contoso.test', 'SMTP'], [2, 'c@contoso.test', 'SMTP'], [3, 'd@contoso.test', 'SMTP'],
      ]);
      assert.equal(rec.attachments.map((a) => [a.PR_ATTACH_LONG_FILENAME_W, a.PR_ATTACH_MIME_TAG_W, a.PR_ATTACH_METHOD]), [
        ['report.pdf', 'application/pdf', 1], ['notes ü.txt', 'text/plain', 1],
      ]);
      assert.ok(Buffer.from(String(rec.attachments[0]?.PR_ATTACH_DATA_BIN), 'base64').equals(pdf));
      assert.is(second.props.PR_BODY_W, 'second');
      assert.is(second.props.PR_HTML, undefined);
    } finally {
      await t.close();
    }
  });

  test('a MAPI that takes only ANSI profile names (MAPI_E_BAD_CHARWIDTH) → logon again without MAPI_UNICODE', async () => {
    await withLoggedTransport(wine(), 'Notifications', { MAPI_TEST_FAIL: 'unicode' }, async (t, log) => {
      assert.is((await t.verify()).endpoint, 'Notifications');
      await t.send(outgoing({ text: 'ansi' }));
      const [rec] = readLog(log);
      assert.is(rec?.profile, 'Notifications');
      assert.is((rec?.logonFlags ?? MAPI_UNICODE) & MAPI_UNICODE, 0);
    });
  });

  test('a 3 MB attachment goes through the attachment stream intact', async () => {
    await withLoggedTransport(wine(), 'default', {}, async (t, log) => {
      const big = randomBytes(3 * 1024 * 1024);
      await t.send(outgoing({ text: 'big', attachments: [{ filename: 'big.bin', contentType: 'application/octet-stream', content: big }] }));
      const [rec] = readLog(log);
      assert.ok(Buffer.from(String(rec?.attachments[0]?.PR_ATTACH_DATA_BIN), 'base64').equals(big));
    });
  });

  test('named profile; plain text in ISO-8859-1 → code page 28591; HTML bytes in that charset', async () => {
    await withLoggedTransport(wine(), 'notifications', {}, async (t, log) => {
      assert.is((await t.verify()).endpoint, 'Notifications');
      await t.send(outgoing({ charset: 'ISO-8859-1', text: 'Grüße aus Köln' }));
      await t.send(outgoing({ charset: 'iso-8859-1', html: '<p>café à Zürich</p>' }));
      const [plain, html] = readLog(log);
      assert.ok(plain && html);
      assert.is(plain.profile, 'Notifications');
      assert.ok(plain.logonFlags & MAPI_EXPLICIT_PROFILE);
      assert.is(plain.props.PR_BODY_W, 'Grüße aus Köln');
      assert.is(plain.props.PR_INTERNET_CPID, 28591);
      assert.is(plain.props.PR_HTML, undefined);
      assert.is(plain.props.PR_DELETE_AFTER_SUBMIT, true, 'saveCopy false → delete after submit');
      assert.is(plain.props.PR_SENTMAIL_ENTRYID, undefined);
      const bytes = Buffer.from(String(html.props.PR_HTML), 'base64');
      assert.ok(bytes.equals(iconv.encode('<p>café à Zürich</p>', 'latin1')), 'PR_HTML holds ISO-8859-1 bytes');
      assert.is(html.props.PR_INTERNET_CPID, 28591);
    }, { saveCopy: false });
  });
});

test.run();
