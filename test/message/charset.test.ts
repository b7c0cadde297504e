import { test } from 'uvu';
import * as assert from 'uvu/assert';
import iconv from 'iconv-lite';
import { simpleParser } from 'mailparser';
import { AgentError } from '../../agent/errors.ts';
import { partBody } from '../helpers/mime.ts';
import { composeFor } from './helpers.ts';

const accented = 'Café crème, naïve façade; Zürich, Ærøskøbing ½ ¿qué?';
const subject = 'Échec: sauvegarde terminée à 03h, état dégradé (½ ¿Qué?)';

for (const charset of ['iso-8859-1', 'windows-1252']) {
  test(`${charset}: subject and body arrive byte-exact`, async () => {
    const body = charset === 'windows-1252' ? accented + ' €100 “quoted”' : accented;
    const mime = await composeFor({ to: ['ops@contoso.com'], subject, body }, { charset, plainText: false, fromDelegation: false });

    const text = partBody(mime, 'text/plain');
    assert.ok(text, 'a text/plain part');
    assert.match(text.headers, new RegExp(`charset=${charset}`, 'i'));
    assert.ok(text.body.equals(iconv.encode(body, charset)), 'body bytes are the charset encoding of the text');

    const words = [...mime.toString('latin1').matchAll(/=\?([^?]+)\?B\?([^?]+)\?=/g)];
    assert.ok(words.length > 0, 'subject as encoded words');
    for (const w of words) assert.is(w[1], charset);
    assert.ok(Buffer.concat(words.map((w) => Buffer.from(w[2] ?? '', 'base64'))).equals(iconv.encode(subject, charset)));

    const parsed = await simpleParser(mime);
    assert.is(parsed.subject, subject);
    assert.is(parsed.text?.trimEnd(), body);
    assert.is(parsed.messageId, '<fixed-id@mail-agent.invalid>');
  });
}

for (const charset of ['iso-8859-1', 'windows-1252']) {
  test(`${charset}: the HTML part too`, async () => {
    const html = `<p>${accented}</p>`;
    const mime = await composeFor({ to: ['ops@contoso.com'], subject: 'ok', body: html, html: true }, { charset, plainText: false, fromDelegation: false });
    const part = partBody(mime, 'text/html');
    assert.ok(part);
    assert.match(part.headers, new RegExp(`charset=${charset}`, 'i'));
    assert.ok(part.body.equals(iconv.encode(html, charset)));
    assert.is(String((await simpleParser(mime)).html).trim(), html);
  });
}

test('utf-8 (default) keeps any character', async () => {
  const body = 'Ünïcödé ✓ 日本語 🚀';
  const parsed = await simpleParser(await composeFor({ to: ['a@b.co'], subject: '✓ ok 🚀', body }, { charset: 'utf-8', plainText: false, fromDelegation: false }));
  assert.is(parsed.subject, '✓ ok 🚀');
  assert.is(parsed.text?.trimEnd(), body);
});

test('a character the charset cannot encode is CharsetUnencodable naming the field', async () => {
  const settings = { charset: 'iso-8859-1', plainText: false, fromDelegation: false };
  for (const [field, input] of [
    ['subject', { to: ['a@b.co'], subject: 'price €5', body: 'ok' }],
    ['body', { to: ['a@b.co'], subject: 'ok', body: 'price €5' }],
  ] as const) {
    try {
      await composeFor(input, settings);
      assert.unreachable(`${field} with € in iso-8859-1 must be refused`);
    } catch (err) {
      assert.instance(err, AgentError);
      assert.is((err as AgentError).code, 'CharsetUnencodable');
      assert.match((err as AgentError).message, new RegExp(`^${field}: character U\\+20AC`));
    }
  }
});

test('an unknown charset is refused', async () => {
  try {
    await composeFor({ to: ['a@b.co'], subject: 's', body: 'b' }, { charset: 'klingon-8', plainText: false, fromDelegation: false });
    assert.unreachable();
  } catch (err) {
    assert.is((err as AgentError).code, 'CharsetUnencodable');
  }
});

test.run();
