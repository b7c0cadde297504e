// A password on an offending line never appears in any output of `mail-agent validate`, text or
// JSON, whatever is wrong with the line: hand-written cases, then random corruptions of a file.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { main } from '../../agent/cli/main.ts';
import { captureIo } from '../helpers/io.ts';
import { header, tempDir, type TempDir } from './helpers.ts';

const password = 'Qz7xKp2Wv9mN';
const start = `${header}service: ews\news:\n  server: mail.contoso.com\n  username: u\n`;

/** Any 5 characters of the password in a row count as a leak. */
function assertNoLeak(output: string, context: string): void {
  for (let i = 0; i + 5 <= password.length; i++) {
    assert.not.ok(output.includes(password.slice(i, i + 5)), `password leaked (${context}):\n${output}`);
  }
}

let tmp: TempDir;
test.before.each(async () => { tmp = await tempDir(); });
test.after.each(async () => { await tmp.remove(); });

async function allOutputs(text: string): Promise<string> {
  const file = await tmp.write('leak.yaml', text, 0o644);
  let all = '';
  for (const args of [[file], ['-o', 'json', file], ['--resolve-secrets', file], ['-o', 'json', '--resolve-secrets', file]]) {
    const io = captureIo({ env: { EWS_PASSWORD: password } });
    await main(['validate', ...args], io);
    all += io.out() + io.err();
  }
  return all;
}

const cases: Record<string, string> = {
  'a misspelt key': `${start}  pasword: ${password}\n`,
  'an unknown key': `${start}  password: { env: PW }\n  secret: ${password}\n`,
  'the password as a key': `${start}  password:\n    ${password}: x\n`,
  'the password as a key of an unknown key': `${start}  password: { env: PW }\n  other:\n    ${password}: 1\n`,
  'an unterminated quote': `${start}  password: "${password}\n  auth: ntlm\n`,
  'a nested mapping on the line': `${start}  password: ${password}: x\n`,
  'a duplicated password line': `${start}  password: ${password}\n  password: ${password}\n`,
  'tab indentation': `${start}\tpassword: ${password}\n`,
  'in an enum': `${start}  password: { env: PW }\n  auth: ${password}\n`,
  'in a number field': `${start}  password: { env: PW }\nmessage:\n  attachmentLimitMB: ${password}\n`,
  'in an address': `${start}  password: { env: PW }\ntest:\n  to: ${password}\n`,
  'in the charset': `${start}  password: { env: PW }\nmessage:\n  charset: ${password}\n`,
  'in the URL': `${header}service: ews\news:\n  url: https://svc:${password}@mail.contoso.com/EWS/Exchange.asmx\n  username: u\n  password: p\n`,
  'as the value of a const': `apiVersion: ${password}\nkind: MailSettings\nservice: mapi\nmapi: {}\n`,
  'in a list': `${start}  password: [${password}]\n`,
  'with CRLF endings': `${start}  password: "${password}\r\n  auth: x\r\n`,
  'after a BOM, with a control character': `\uFEFF${start}  password: ${password}\u0001\n`,
  'in a second document': `${start}  password: { env: PW }\n---\npassword: ${password}\n`,
  'behind an alias bomb': `${start}  password: &p [${password}, *p]\n`,
  'a literal password (warning)': `${start}  password: ${password}\n`,
  'a variable holding it': `${start}  password: { env: EWS_PASSWORD }\n  auth: nope\n`,
};

for (const [name, text] of Object.entries(cases)) {
  test(`no leak: ${name}`, async () => {
    assertNoLeak(await allOutputs(text), name);
  });
}

test('no leak: random corruptions of a file with a literal password', async () => {
  const text = `${start}  password: ${password}\n  auth: ntlm\nmessage:\n  charset: utf-8\ntest:\n  to: ops@contoso.com\n`;
  const chars = [' ', ':', '\t', '\n', '{', '}', '[', ']', '"', "'", '#', '&', '*', '!', '|', '>', '-', ',', '?', '%', '@', '`', 'a', '\r'];
  const edit = fc.tuple(fc.nat({ max: text.length }), fc.constantFrom('insert', 'delete', 'duplicate-line'), fc.constantFrom(...chars));
  await fc.assert(fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 3 }), async (edits) => {
    let mutated = text;
    for (const [at, op, ch] of edits) {
      const i = Math.min(at, mutated.length);
      if (op === 'insert') mutated = mutated.slice(0, i) + ch + mutated.slice(i);
      else if (op === 'delete') mutated = mutated.slice(0, i) + mutated.slice(i + 1);
      else {
        const lineStart = mutated.lastIndexOf('\n', i - 1) + 1;
        const lineEnd = mutated.indexOf('\n', i);
        const line = mutated.slice(lineStart, lineEnd === -1 ? mutated.length : lineEnd + 1);
        mutated = mutated.slice(0, lineStart) + line + mutated.slice(lineStart);
      }
    }
    // The password itself may be cut by an edit: its pieces still must not show.
    assertNoLeak(await allOutputs(mutated), JSON.stringify(mutated));
  }), { numRuns: 150, seed: 20261128 });
});

test.run();
