// Hostile input and exposure, against the real agent and sandbox: XML-special text in every field arrives
// verbatim; CR/LF in any header field or attachment name is refused with nothing queued; attachment names
// carry no path; a 200 MB (sparse) attachment is refused by the limit unread; listening sockets are on
// loopback; the state dir is 0700 and its files 0600; a literal password others can read raises the
// InsecureSecret condition; no test secret in any file or log the suite produced.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, open, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { revisionOf } from '../../agent/config/revision.ts';
import type { Child } from '../helpers/child.ts';
import { account, rig, type Rig } from '../run/helpers/e2e.ts';
import { secretScan } from './secret-scan.ts';
import { needTools } from '../helpers/tools.ts';

let r: Rig;
let agent: Child;
let good: string;
const hostile = `</t:Subject><t:ToRecipients><t:Mailbox><t:EmailAddress>evil@x.test</t:EmailAddress></t:Mailbox></t:ToRecipients>]]><![CDATA[ &amp; &lt; <?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>&e;`;

test.before(async () => {
  r = await rig();
  good = r.settingsText().replace('  charset: utf-8\n', '  charset: utf-8\n  attachmentLimitMB: 10\n');
  await writeFile(r.settings, good);
  agent = r.startAgent();
  await r.untilStatus((d) => d.lastApplied?.revision === revisionOf(good), 'applied');
});
test.after(async () => { await r.cleanup(); });

const send = (args: string[]) => r.cli(['send', '--state-dir', r.stateDir, ...args]);

async function eml(subject: string): Promise<string> {
  await r.untilDeliveredSubject(subject, 15_000);
  const d = (await r.sandbox.deliveries()).find((x) => x.subject === subject);
  assert.ok(d, `${subject} delivered`);
  return readFile(join(r.sandbox.dataDir, d.files[0]!), 'utf8');
}

test('XML-special text in subject, body, display names and attachment name arrives verbatim, to the given recipients only', async () => {
  const dir = join(r.root, 'att');
  await mkdir(dir);
  const attachment = join(dir, 'a<b>&c].txt');
  await writeFile(attachment, hostile);
  const body = join(dir, 'body.txt');
  await writeFile(body, hostile);
  const subject = `xml ${hostile}`;
  const res = await send(['--to', `"${'</t:Mailbox>&<x>'}" <someone@contoso.test>`, '--subject', subject, '--body', body, '--attach', attachment]);
  assert.is(res.code, 0, res.out + res.err);
  const mail = await simpleParser(await eml(subject));
  assert.is(mail.subject, subject);
  assert.is(mail.text?.trim(), hostile);
  assert.is(mail.attachments[0]?.filename, 'a<b>&c].txt');
  const deliveries = await r.sandbox.deliveries();
  assert.not.ok(deliveries.some((d) => d.to.includes('evil@x.test')), 'no recipient injected');
});

const crlf = ['\r\nBcc: evil@x.test', '\nX-Injected: 1', '\rX: 1', '\u2028X: 1', '\u0000'];
const fields: [string, (v: string) => string[]][] = [
  ['to', (v) => ['--to', `someone@contoso.test${v}`, '--subject', 's']],
  ['to display name', (v) => ['--to', `"A${v}" <someone@contoso.test>`, '--subject', 's']],
  ['cc', (v) => ['--to', 'someone@contoso.test', '--cc', `x@contoso.test${v}`, '--subject', 's']],
  ['bcc', (v) => ['--to', 'someone@contoso.test', '--bcc', `x@contoso.test${v}`, '--subject', 's']],
  ['from', (v) => ['--to', 'someone@contoso.test', '--from', `${account.email}${v}`, '--subject', 's']],
  ['subject', (v) => ['--to', 'someone@contoso.test', '--subject', `s${v}`]],
];

test('CR/LF (and NUL, U+2028) in every header field and in an attachment name: refused, nothing queued', async () => {
  const before = await readdir(join(r.stateDir, 'spool', 'pending'));
  let tried = 0;
  for (const [field, args] of fields) {
    for (const v of crlf) {
      const res = await send(args(v));
      assert.is(res.code, 1, `${field} ${JSON.stringify(v)}: ${res.out}${res.err}`);
      tried += 1;
    }
  }
  const evil = join(r.root, 'evil\r\nContent-Type: text-html; x=.txt');
  await writeFile(evil, 'x');
  const res = await send(['--to', 'someone@contoso.test', '--subject', 'crlf attachment', '--attach', evil]);
  assert.is(res.code, 1, res.out + res.err);
  assert.equal(await readdir(join(r.stateDir, 'spool', 'pending')), before);
  console.log(`hardening: header injection attempts ${tried + 1}, all refused`);
});

test('path traversal in an attachment name: only the base name travels', async () => {
  const deep = join(r.root, 'a', 'b');
  await mkdir(deep, { recursive: true });
  await writeFile(join(r.root, 'a', 'secret.txt'), 'x');
  const subject = 'traversal';
  const res = await send(['--to', 'someone@contoso.test', '--subject', subject, '--attach', join(deep, '..', 'secret.txt')]);
  assert.is(res.code, 0, res.out + res.err);
  const mail = await simpleParser(await eml(subject));
  assert.is(mail.attachments[0]?.filename, 'secret.txt');
});

test('a 200 MB sparse attachment is refused by the 10 MB limit without being read', async () => {
  const big = join(r.root, 'big.bin');
  const handle = await open(big, 'w');
  await handle.truncate(200 * 1024 * 1024);
  await handle.close();
  const res = await send(['--to', 'someone@contoso.test', '--subject', 'big', '--attach', big]);
  assert.is(res.code, 1, res.out + res.err);
  assert.match(res.out + res.err, 'exceed the 10 MB limit');
});

if (needTools(import.meta.url, test, ['ss'])) test('listening sockets: the sandbox on loopback; the agent listens on nothing', () => {
  assert.is(r.sandbox.host, '127.0.0.1');
  const listening = execFileSync('ss', ['-Hltnp'], { encoding: 'utf8' });
  const agentLines = listening.split('\n').filter((l) => l.includes(`pid=${agent.proc.pid},`));
  assert.equal(agentLines, [], 'the agent opens no listening port');
  const sandboxLine = listening.split('\n').find((l) => l.includes(`:${r.sandbox.port} `));
  assert.ok(sandboxLine && /127\.0\.0\.1:\d+/.test(sandboxLine), `sandbox bound to loopback: ${sandboxLine}`);
});

test('the state dir is 0700, every file in it 0600, every folder 0700', async () => {
  const walk = async (d: string): Promise<void> => {
    assert.is((await stat(d)).mode & 0o777, 0o700, d);
    for (const name of await readdir(d)) {
      const p = join(d, name);
      // The running agent's temp files (status, records) are renamed away between readdir and stat.
      const s = await stat(p).catch((err: NodeJS.ErrnoException) => { if (err.code === 'ENOENT') return undefined; throw err; });
      if (!s) continue;
      if (s.isDirectory()) await walk(p);
      else assert.is(s.mode & 0o777, 0o600, p);
    }
  };
  await walk(r.stateDir);
});

test('a literal password others can read: condition InsecureSecret in the status; gone once the file is private', async () => {
  const literal = good.replace(/password: \{ file: [^}]+\}/, `password: "${account.password.replace(/["\\]/g, '\\$&')}"`);
  await writeFile(r.settings, literal);
  await chmod(r.settings, 0o644);
  const doc = await r.untilStatus((d) => d.lastApplied?.revision === revisionOf(literal), 'the literal file applied');
  const insecure = doc.conditions.find((c) => c.type === 'InsecureSecret');
  assert.is(insecure?.status, 'True', JSON.stringify(doc.conditions));
  assert.not.match(JSON.stringify(doc), account.password);
  await chmod(r.settings, 0o600);
  await writeFile(r.settings, `${literal}# private now\n`);
  const after = await r.untilStatus((d) => d.lastApplied?.revision === revisionOf(`${literal}# private now\n`), 'the private file applied');
  assert.is(after.conditions.find((c) => c.type === 'InsecureSecret'), undefined, JSON.stringify(after.conditions));
});

test('no test secret in any file or log the suite produced', async () => {
  const { files, found } = await secretScan(r, [agent.output()], { allowed: (file) => file === r.settings });
  console.log(`hardening: secret scan of ${files} files and the agent's log: ${found.length} found`);
  assert.equal(found, []);
});

test.run();
