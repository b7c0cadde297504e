// A SOPS-encrypted file is refused as such, before the schema, at the sops block or the first ENC[…].
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadText, marked, validEws } from './helpers.ts';

test('a sops: block is EncryptedConfigNotDecrypted, at its key', async () => {
  const { text, line, column } = marked(`${validEws}§sops:\n  kms: []\n  version: 3.8.1\n`);
  const result = await loadText(text);
  if (result.ok) throw new Error('expected a refusal');
  assert.is(result.reason, 'EncryptedConfigNotDecrypted');
  assert.equal(result.issues.map((i) => [i.path, i.line, i.column]), [['/sops', line, column]]);
  assert.match(result.issues[0]?.message ?? '', /SOPS-encrypted; decrypt it/);
});

test('an ENC[…] value without the block is refused at that value, never echoing it', async () => {
  const enc = 'ENC[AES256_GCM,data:q0sOQgiz,iv:abc=,tag:def=,type:str]';
  const { text, line, column } = marked(validEws.replace('password: { env: EWS_PASSWORD }', `password: §${enc}`));
  const result = await loadText(text);
  if (result.ok) throw new Error('expected a refusal');
  assert.is(result.reason, 'EncryptedConfigNotDecrypted');
  assert.equal(result.issues.map((i) => [i.path, i.line, i.column]), [['/ews/password', line, column]]);
  assert.not.match(JSON.stringify(result), 'q0sOQgiz');
});

test.run();
