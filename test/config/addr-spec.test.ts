// The addr-spec check behind every address setting (and reusable for `send`): plain RFC 5322
// addresses pass; display names, header injection and malformed forms do not.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { isAddrSpec } from '../../agent/config/addr-spec.ts';
import { closest } from '../../agent/config/did-you-mean.ts';

test('valid addr-specs', () => {
  for (const a of ['ops@contoso.com', 'first.last@sub.contoso.co.uk', "o'brien+tag@contoso.com", '"two words"@contoso.com',
    '"quoted\\"escape"@contoso.com', 'root@localhost', 'x@[192.0.2.1]', `${'a'.repeat(64)}@contoso.com`]) {
    assert.ok(isAddrSpec(a), a);
  }
});

test('invalid addresses', () => {
  for (const a of ['', 'ops', '@contoso.com', 'ops@', 'Ops <ops@contoso.com>', 'a..b@contoso.com', '.a@contoso.com',
    'a@contoso..com', 'a b@contoso.com', 'a@b@contoso.com', 'ops@contoso.com\r\nBcc: x@evil.test', '"a\nb"@contoso.com',
    `${'a'.repeat(65)}@contoso.com`, `a@${'b'.repeat(250)}.com`, 'müller@contoso.com']) {
    assert.not.ok(isAddrSpec(a), JSON.stringify(a));
  }
});

test('nothing with CR or LF is ever an addr-spec', () => {
  fc.assert(fc.property(fc.string(), fc.constantFrom('\r', '\n'), fc.string(), (a, eol, b) => !isAddrSpec(`${a}${eol}${b}`)), { numRuns: 500, seed: 7 });
});

test('did you mean: close misspellings only, case-insensitively', () => {
  const keys = ['url', 'server', 'autodiscover', 'username', 'password', 'rejectInvalidCertificates'];
  assert.is(closest('pasword', keys), 'password');
  assert.is(closest('passwrod', keys), 'password');
  assert.is(closest('UserName', keys), 'username');
  assert.is(closest('rejectInvalidCertificate', keys), 'rejectInvalidCertificates');
  assert.is(closest('smtp', keys), undefined);
  assert.is(closest('host', keys), undefined);
});

test('did you mean: a shortened long name, only when one key shares its long prefix', () => {
  const keys = ['url', 'server', 'autodiscover', 'username', 'password', 'rejectInvalidCertificates', 'rejectInvalidRequests'];
  assert.is(closest('rejectInvalidCerts', keys), 'rejectInvalidCertificates');
  assert.is(closest('autodiscoverEmail', keys), 'autodiscover');
  assert.is(closest('rejectInvalid', keys), undefined, 'two keys share the prefix');
  assert.is(closest('usernames_and_more', keys), undefined, 'prefix too short for the word');
});

test.run();
