// Issue #12 item 1 (input) and item 7 (ESC): every field of a notification is refused, naming the field,
// when it holds a character XML 1.0 cannot carry (U+FFFE, U+FFFF, a lone surrogate, C0 controls but TAB,
// LF and CR in the body), and every header field refuses any control character, ESC included.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { main } from '../../agent/cli/main.ts';
import { AgentError } from '../../agent/errors.ts';
import { Spool } from '../../agent/queue/spool.ts';
import { captureIo } from '../helpers/io.ts';
import { checkNotification } from '../../agent/message/checks.ts';
import type { NotificationInput } from '../../agent/message/types.ts';
import { withTempDir } from '../helpers/temp-dir.ts';
import { utf8Settings } from './helpers.ts';

const base: NotificationInput = { to: ['ops@contoso.com'], subject: 'ok', body: 'body' };
const delegation = { ...utf8Settings, fromDelegation: true };

async function refusal(input: NotificationInput, cwd = process.cwd()): Promise<AgentError> {
  try {
    await checkNotification(input, delegation, { cwd });
  } catch (err) {
    assert.instance(err, AgentError);
    return err as AgentError;
  }
  throw new Error(`accepted ${JSON.stringify(input)}`);
}

// Not XML 1.0 characters, and the control characters a header must not hold (ESC, DEL, C1's CSI, TAB).
const notXml = ['\uFFFE', '\uFFFF', '\uD800', '\uDFFF', '\u0001', '\u001B', '\u000B', '\u000C'];
const headerOnly = ['\u007F', '\u009B', '\t'];

function everyHeaderField(ch: string): [string, NotificationInput][] {
  return [
    ['to', { ...base, to: [`ops${ch}@contoso.com`] }],
    ['to', { ...base, to: [`"Ops${ch}" <ops@contoso.com>`] }],
    ['cc', { ...base, cc: [`c@contoso.com, d@con${ch}toso.com`] }],
    ['bcc', { ...base, bcc: [`b${ch}@contoso.com`] }],
    ['from', { ...base, from: `F${ch} <f@contoso.com>` }],
    ['subject', { ...base, subject: `disk ${ch}full` }],
  ];
}

for (const ch of [...notXml, ...headerOnly]) {
  const label = `U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  test(`${label} is refused in every header field, naming the field and the character`, async () => {
    for (const [field, input] of everyHeaderField(ch)) {
      const err = await refusal(input);
      assert.is(err.code, 'MessageInvalid', field);
      assert.match(err.message, new RegExp(`^${field} contains `), field);
      assert.match(err.message, label, field);
      assert.not.ok(err.message.includes(ch), 'the character itself is not printed');
    }
  });
}

test('a character XML 1.0 cannot carry is refused in the body (text and HTML), with its line', async () => {
  for (const ch of notXml) {
    for (const html of [false, true]) {
      const err = await refusal({ ...base, body: `line one\nline ${ch} two`, html });
      assert.is(err.code, 'MessageInvalid');
      assert.match(err.message, /^body contains U\+[0-9A-F]{4}.* on line 2/);
    }
  }
});

test('TAB, LF and CR stay allowed in the body; DEL and C1 too (XML carries them)', async () => {
  const checked = await checkNotification({ ...base, body: 'a\tb\r\nc\n\u007f\u0085' }, utf8Settings, { cwd: process.cwd() });
  assert.is(checked.text, 'a\tb\r\nc\n\u007f\u0085');
});

test('a surrogate pair (an emoji) is a character, not a lone surrogate', async () => {
  const checked = await checkNotification({ ...base, subject: 'disk \u{1F4BE} full', body: '\u{1F4BE}' }, utf8Settings, { cwd: process.cwd() });
  assert.is(checked.subject, 'disk \u{1F4BE} full');
});

test('an attachment name holding ESC or U+FFFE is refused', async () => {
  await withTempDir(async (dir) => {
    for (const name of ['report\u001B[2J.txt', 'report\uFFFE.txt']) {
      await writeFile(join(dir, name), 'x');
      const err = await refusal({ ...base, attachments: [{ path: name }] }, dir);
      assert.match(err.message, /^attachment name contains U\+/);
    }
  });
});

test('send --bcc with U+FFFE in the address: exit 1 naming --bcc, nothing queued', async () => {
  await withTempDir(async (state) => {
    const io = captureIo();
    const code = await main(['send', '--state-dir', state, '--to', 'ops@contoso.com', '--bcc', 'audit\uFFFE@contoso.com', '--subject', 's'], io);
    assert.is(code, 1, io.err());
    assert.match(io.err(), /mail-agent send: bcc contains U\+FFFE/);
    assert.is(io.out(), '');
    const spool = await Spool.open(state);
    assert.equal(await spool.pendingIds(), []);
  });
});

test('send --subject with ESC: exit 1, nothing queued', async () => {
  await withTempDir(async (state) => {
    const io = captureIo();
    assert.is(await main(['send', '--state-dir', state, '--to', 'ops@contoso.com', '--subject', '\u001b[2K\rReady'], io), 1);
    assert.match(io.err(), /subject contains U\+001B \(ESC\)/);
    assert.equal(await (await Spool.open(state)).pendingIds(), []);
  });
});

test.run();
