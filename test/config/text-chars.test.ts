// Issue #12 item 1 (settings): a text setting holding a control character or one XML 1.0 cannot carry is
// refused at its file:line:column, named by code point, never printed; also when a YAML escape put it there.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { header, loadText, marked, validEws } from './helpers.ts';

async function refusedAt(text: string, path: string, label: string): Promise<void> {
  const m = marked(text);
  const result = await loadText(m.text);
  assert.not.ok(result.ok, `accepted ${JSON.stringify(m.text)}`);
  if (result.ok) return;
  const issue = result.issues.find((i) => i.path === path);
  assert.ok(issue, `an issue at ${path}: ${JSON.stringify(result.issues)}`);
  assert.equal([issue.line, issue.column], [m.line, m.column], path);
  assert.match(issue.message, label);
}

const mapi = (profile: string) => `${header}service: mapi\nmapi:\n  profile: §${profile}\n`;

test('U+FFFE, U+FFFF and ESC in the MAPI profile name are refused, raw or as a YAML escape', async () => {
  await refusedAt(mapi('"Out\\uFFFElook"'), '/mapi/profile', 'U+FFFE');
  await refusedAt(mapi('"Out\\uFFFFlook"'), '/mapi/profile', 'U+FFFF');
  await refusedAt(mapi('"\\e[2J\\e[HReady"'), '/mapi/profile', 'U+001B (ESC)');
  await refusedAt(mapi('Out\uFFFElook'), '/mapi/profile', 'U+FFFE');
  await refusedAt(mapi('"Out\\x9blook"'), '/mapi/profile', 'U+009B');
});

test('U+FFFE in the user name is refused; in message.from and test.to too (not an address)', async () => {
  await refusedAt(validEws.replace('username: CONTOSO', 'username: §"CONTOSO\\\\svc\\uFFFE" #'), '/ews/username', 'U+FFFE');
  await refusedAt(`${validEws}message:\n  from: §"help\\uFFFEdesk@contoso.com"\n`, '/message/from', '');
  await refusedAt(`${validEws}test:\n  to: §"ops\\uD800@contoso.com"\n`, '/test/to', '');
});

test('the message never prints the value', async () => {
  const result = await loadText(mapi('"secret-ish\\uFFFE-name"').replace('§', ''));
  assert.not.ok(result.ok);
  if (!result.ok) assert.not.ok(JSON.stringify(result.issues).includes('secret-ish'));
});

test('a literal secret is not checked here (it goes to authentication only)', async () => {
  const result = await loadText(validEws.replace('password: { env: EWS_PASSWORD }', 'password: "pa\\tss"'));
  assert.ok(result.ok, JSON.stringify(!result.ok && result.issues));
});

test.run();
