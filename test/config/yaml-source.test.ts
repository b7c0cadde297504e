// Hostile and odd files: each is refused quickly with a clear, positioned error (or, for a BOM and
// CRLF line endings, accepted with positions that still match what an editor shows).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { LoadResult } from '../../agent/config/load-contract.ts';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { header, loadText, marked, tempDir, validEws } from './helpers.ts';

function refused(result: LoadResult) {
  if (result.ok) throw new Error('expected the file to be refused');
  return result;
}

function firstIssue(result: LoadResult) {
  const r = refused(result);
  const issue = r.issues[0];
  if (!issue) throw new Error('no issue');
  return { reason: r.reason, revision: r.revision, ...issue };
}

test('YAML bomb (billion laughs) is refused at the first alias', async () => {
  const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) {
    const name = String.fromCharCode(97 + i);
    levels.push(`${name}: &${name} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
  }
  const { text, line, column } = marked(`${validEws}${levels.join('\n').replace('*a', '§*a')}\n`);
  const issue = firstIssue(await loadText(text));
  assert.is(issue.reason, 'YamlSyntax');
  assert.is(issue.keyword, 'maxAliases');
  assert.equal([issue.line, issue.column], [line, column]);
});

test('a 10 MB file is refused as too large, still with its revision', async () => {
  const big = Buffer.alloc(10 * 1024 * 1024, 'a: 1\n');
  const issue = firstIssue(await loadText(big));
  assert.is(issue.reason, 'ConfigTooLarge');
  assert.match(issue.message, /larger than 1048576 bytes/);
  assert.match(issue.revision ?? '', /^sha256:[0-9a-f]{64}$/);
  assert.equal([issue.line, issue.column], [1, 1]); // the file as a whole: its start, a position that exists
});

test('a binary file is refused as not UTF-8 text, at the first bad byte', async () => {
  const bytes = Buffer.concat([Buffer.from('apiVersion: mail-agent/v1\nkind: '), Buffer.from([0xc3, 0x28, 0xff, 0x00, 0x89])]);
  const issue = firstIssue(await loadText(bytes));
  assert.is(issue.reason, 'YamlSyntax');
  assert.match(issue.message, /not UTF-8 text/);
  assert.equal([issue.line, issue.column], [2, 7]);
});

test('a NUL byte in otherwise valid UTF-8 is refused as a control character', async () => {
  const { text, line, column } = marked(`${header}service: §\u0000ews\n`);
  const issue = firstIssue(await loadText(text));
  assert.match(issue.message, /control character/);
  assert.equal([issue.line, issue.column], [line, column]);
});

test('UTF-16 is refused by name', async () => {
  const issue = firstIssue(await loadText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(validEws, 'utf16le')])));
  assert.match(issue.message, /UTF-16/);
});

test('an empty file, and one of only comments, hold no settings', async () => {
  for (const text of ['', '# nothing yet\n', '\n\n']) {
    const issue = firstIssue(await loadText(text));
    assert.is(issue.reason, 'SchemaViolation');
    assert.match(issue.message, /holds no settings/);
    assert.equal([issue.line, issue.column], [1, 1]);
  }
});

test('a second document is refused where it starts', async () => {
  const { text, line, column } = marked(`${validEws}§---\n${validEws}`);
  const issue = firstIssue(await loadText(text));
  assert.is(issue.reason, 'YamlSyntax');
  assert.match(issue.message, /more than one YAML document/);
  assert.equal([issue.line, issue.column], [line, column]);
});

test('a leading --- and a final ... are one document', async () => {
  assert.ok((await loadText(`---\n${validEws}...\n`)).ok);
});

test('duplicate keys are refused at the second one', async () => {
  const { text, line, column } = marked(`${validEws}§service: mapi\n`);
  const issue = firstIssue(await loadText(text));
  assert.is(issue.keyword, 'uniqueKeys');
  assert.match(issue.message, /duplicate key/);
  assert.equal([issue.line, issue.column], [line, column]);
});

test('tab indentation is refused where the tab is', async () => {
  const { text, line, column } = marked(`${header}service: ews\news:\n§\turl: https://x.contoso.com/EWS/Exchange.asmx\n`);
  const issue = firstIssue(await loadText(text));
  assert.match(issue.message, /tab characters are not allowed for indentation/);
  assert.equal([issue.line, issue.column], [line, column]);
});

test('CRLF line endings: accepted, and positions count lines as an editor does', async () => {
  assert.ok((await loadText(validEws.replace(/\n/g, '\r\n'))).ok);
  const { text, line, column } = marked(`${validEws}test:\n  to: §ops\n`);
  const issue = firstIssue(await loadText(text.replace(/\n/g, '\r\n')));
  assert.equal([issue.line, issue.column], [line, column]);
});

test('a UTF-8 BOM: accepted, and columns are not shifted by it', async () => {
  assert.ok((await loadText(`\uFEFF${validEws}`)).ok);
  const { text, line, column } = marked(`apiVersion: §v2\nkind: MailSettings\nservice: mapi\nmapi: {}\n`);
  const issue = firstIssue(await loadText(`\uFEFF${text}`));
  assert.equal([issue.path, issue.line, issue.column], ['/apiVersion', line, column]);
});

test('deep nesting is refused before the parser runs (flow and block)', async () => {
  for (const nested of ['x: ' + '['.repeat(300_000) + ']'.repeat(300_000), 'x:\n' + '- '.repeat(200_000) + 'y\n',
    'x:\n' + Array.from({ length: 1000 }, (_, i) => ' '.repeat(i + 1) + 'k:').join('\n')]) {
    const issue = firstIssue(await loadText(`${validEws}${nested}\n`));
    assert.is(issue.keyword, 'maxDepth');
    assert.match(issue.message, /nested more than 32 levels/);
    assert.is(issue.line >= 8, true);
  }
});

test('syntax errors are placed where the parser stopped', async () => {
  const { text, line, column } = marked(`${header}service: ews\news:\n  url: "https://x.contoso.com/EWS/Exchange.asmx\n  username: u\n§`);
  const issue = firstIssue(await loadText(text));
  assert.is(issue.reason, 'YamlSyntax');
  assert.match(issue.message, /closing quote/);
  assert.equal([issue.line, issue.column], [line, column]);
});

test('a missing file and a directory are ConfigMissing and ConfigUnreadable', async () => {
  const { loadConfig } = await import('../../agent/config/load.ts');
  const missing = firstIssue(await loadConfig('/nonexistent/mail-settings.yaml'));
  assert.equal([missing.reason, missing.revision, missing.line, missing.column], ['ConfigMissing', undefined, 1, 1]);
  const dir = firstIssue(await loadConfig('/tmp'));
  assert.is(dir.reason, 'ConfigUnreadable');
  const tmp = await tempDir();
  try {
    execFileSync('mkfifo', [join(tmp.dir, 'fifo')]); // no writer: opening must not wait for one
    const fifo = firstIssue(await loadConfig(join(tmp.dir, 'fifo')));
    assert.equal([fifo.reason, fifo.message], ['ConfigUnreadable', 'the settings path is not a regular file']);
  } finally {
    await tmp.remove();
  }
});

test('bytes handed in by the caller are used instead of reading the file', async () => {
  const { loadConfig } = await import('../../agent/config/load.ts');
  const result = await loadConfig('/nonexistent/mail-settings.yaml', { bytes: Buffer.from(validEws), resolveSecrets: false });
  assert.ok(result.ok);
});

test('a self-referencing alias is judged like any wrong value, without looping', async () => {
  const { text, line, column } = marked(`${validEws}message: &m\n  from: §*m\n`);
  const issue = firstIssue(await loadText(text));
  assert.equal([issue.path, issue.keyword, issue.line, issue.column], ['/message/from', 'type', line, column]);
});

test.run();
