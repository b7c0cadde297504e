// Properties over generated input (fast-check): charset round trips and header-injection refusal.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { simpleParser } from 'mailparser';
import { AgentError } from '../../agent/errors.ts';
import { partBody } from '../helpers/mime.ts';
import { composeFor } from './helpers.ts';

// Printable Latin-1 (no C0/C1 controls), which ISO-8859-1 encodes byte for byte.
const latin1Char = fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff })).map((c) => String.fromCharCode(c));
const latin1Text = fc.array(latin1Char, { minLength: 1, maxLength: 120 }).map((cs) => cs.join(''));

test('any printable Latin-1 subject and body round-trip byte-exact through ISO-8859-1', async () => {
  await fc.assert(fc.asyncProperty(latin1Text, latin1Text, async (subject, body) => {
    const mime = await composeFor({ to: ['a@contoso.com'], subject, body }, { charset: 'iso-8859-1', plainText: false, fromDelegation: false });
    const part = partBody(mime, 'text/plain');
    assert.ok(part?.body.equals(iconv.encode(body, 'iso-8859-1')));
    const parsed = await simpleParser(mime);
    const words = Buffer.concat([...mime.toString('latin1').matchAll(/=\?iso-8859-1\?B\?([^?]+)\?=/g)].map((m) => Buffer.from(m[1] ?? '', 'base64')));
    const raw = /^Subject: (.*)$/m.exec(mime.toString('latin1'))?.[1]?.trimEnd() ?? '';
    assert.ok(words.length ? words.equals(iconv.encode(subject, 'iso-8859-1')) : raw === subject, 'subject bytes');
    assert.is(parsed.subject, subject);
    assert.is(parsed.text?.replace(/\n$/, ''), body);
  }), { numRuns: Number(process.env.PROPERTY_RUNS ?? 40) });
});

test('a CR or LF anywhere in the subject is always refused', async () => {
  await fc.assert(fc.asyncProperty(fc.string(), fc.constantFrom('\r', '\n', '\r\n'), fc.string(), async (a, brk, b) => {
    try {
      await composeFor({ to: ['a@contoso.com'], subject: a + brk + b }, { charset: 'utf-8', plainText: false, fromDelegation: false });
      assert.unreachable('accepted a line break');
    } catch (err) {
      assert.instance(err, AgentError);
      assert.is((err as AgentError).code, 'MessageInvalid');
    }
  }), { numRuns: 60 });
});

test.run();
