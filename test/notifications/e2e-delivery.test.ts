// Notifications end to end: the real agent process (HTTPS + NTLM to the real sandbox) delivering what
// `mail-agent send` queued — waiting while no transport is live, 200 exactly once, the attachment limit,
// the status file's queue counts, and charset / plain-text mode checked on the delivered .eml.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { revisionOf } from '../../agent/config/revision.ts';
import type { Child } from '../helpers/child.ts';
import { partBody } from '../helpers/mime.ts';
import { rig, type Rig, type SettingsOptions } from '../run/helpers/e2e.ts';
import { deliveries, duplicates, emlOf, notificationsLog, sendMany, sendOne, untilDelivered } from './helpers.ts';

let r: Rig;
let agent: Child;
const limit = '  attachmentLimitMB: 1\n';

async function apply(o: SettingsOptions): Promise<void> {
  const text = await r.write(o);
  const res = await r.shipped(['status', '--status', r.statusPath, '--wait', '--for-revision', revisionOf(text), '--timeout', '30s']);
  assert.is(res.code, 0, res.out + res.err + agent.output());
}

test.before(async () => { r = await rig(); });
test.after(async () => { await r.cleanup(); });

test('no live transport (settings Stalled from the start): notifications wait, counted as pending with an age', async () => {
  await r.write({ passwordFile: 'wrong-password', message: limit });
  agent = r.startAgent();
  await r.untilStatus((d) => d.conditions.some((c) => c.type === 'Stalled' && c.status === 'True'), 'Stalled');
  await sendMany(r, 3, 'waiting');
  const doc = await r.untilStatus((d) => d.queue.pending === 3, 'three pending');
  assert.is(doc.queue.delivered, 0);
  const later = await r.untilStatus((d) => (d.queue.oldestPendingAgeSeconds ?? 0) >= 1, 'the oldest pending one ageing');
  assert.is(later.queue.pending, 3);
  // Not sent so far; the next test shows that nothing was even attempted before a transport was live.
  assert.is((await deliveries(r, 'waiting')).length, 0, 'nothing went out without a live transport');
});

test('once a transport is live the waiting ones go out; the counts move', async () => {
  await apply({ message: limit });
  const got = await untilDelivered(r, 'waiting', 3);
  assert.equal(duplicates(got), []);
  const doc = await r.untilStatus((d) => d.queue.pending === 0 && d.queue.delivered === 3, 'three delivered');
  assert.is(doc.queue.failed, 0);
  assert.is(doc.queue.oldestPendingAgeSeconds ?? null, null);
  const attempts = (await notificationsLog(r)).filter((e) => e.subject.startsWith('waiting')).map((e) => [e.result, e.attempt]);
  assert.equal(attempts, [['delivered', 1], ['delivered', 1], ['delivered', 1]], 'each one\'s first attempt was its delivery: none was tried while no transport was live');
});

test('over the attachment limit: exit 1 with the reason, never queued', async () => {
  const big = join(r.root, 'big.bin');
  await writeFile(big, Buffer.alloc(1_600_000, 1));
  const res = await r.cli(['send', '--state-dir', r.stateDir, '--to', 'ops@contoso.test', '--subject', 'too big', '--attach', big]);
  assert.is(res.code, 1, res.out + res.err);
  assert.match(res.err + res.out, 'attachments total 1.6 MB exceed the 1 MB limit');
  assert.equal(await readdir(join(r.stateDir, 'spool', 'pending')), []);
  await sendOne(r, ['--to', 'ops@contoso.test', '--subject', 'after the refusal']);
  await untilDelivered(r, 'after the refusal', 1);
  assert.is((await deliveries(r, 'too big')).length, 0);
});

test('200 notifications: each delivered exactly once (deliveries.jsonl and the mailbox by Message-ID)', async () => {
  const queued = await sendMany(r, 200, 'bulk');
  const got = await untilDelivered(r, 'bulk ', 200);
  // Every outcome recorded, nothing pending: no send is under way that could still deliver a duplicate.
  const doc = await r.untilStatus((d) => d.queue.delivered === 204 && d.queue.pending === 0, 'all 204 counted');
  assert.is(doc.queue.failed, 0);
  const all = await deliveries(r, 'bulk ');
  assert.is(all.length, 200);
  assert.equal(duplicates(all), []);
  assert.equal(new Set(got.map((d) => d.messageId)), new Set(queued));
  const mailbox = new Set<string>();
  for (const d of all) {
    assert.is(d.files.length, 1);
    mailbox.add((await simpleParser(await emlOf(r, d))).messageId ?? '');
  }
  assert.equal(mailbox, new Set(queued));
});

async function sendBody(subject: string, body: string, html = false): Promise<Buffer> {
  const file = join(r.root, 'body.txt');
  await writeFile(file, body);
  await sendOne(r, ['--to', 'ops@contoso.test', '--subject', subject, '--body', file, ...(html ? ['--html'] : [])]);
  const [d] = await untilDelivered(r, subject, 1);
  return emlOf(r, d!);
}

/** Sent with `charset` applied: the subject and text as given once decoded, the text part labelled with the
 *  charset; returns that part's bytes as they arrived. */
async function sentIn(charset: string, subject: string, body: string): Promise<Buffer | undefined> {
  await apply({ charset });
  const eml = await sendBody(subject, body);
  const parsed = await simpleParser(eml);
  assert.is(parsed.subject, subject);
  assert.is(parsed.text?.trim(), body);
  const part = partBody(eml, 'text/plain');
  assert.match(part?.headers ?? '', new RegExp(`charset=${charset}`, 'i'));
  return part?.body;
}

test('ISO-8859-1: subject and body arrive byte-exact in the charset', async () => {
  const body = 'Grüße aus Köln: café, naïve, Straße ±5 °C';
  assert.equal(await sentIn('iso-8859-1', 'Ärger im Büro', body), Buffer.from(body, 'latin1'));
});

test('Windows-1252: curly quotes, euro and dash arrive byte-exact', async () => {
  assert.equal(await sentIn('windows-1252', 'Rechnung über 5 €', '“Quoted” – 5 € … done'), Buffer.from([0x93, ...Buffer.from('Quoted'), 0x94, 0x20, 0x96, 0x20, 0x35, 0x20, 0x80, 0x20, 0x85, ...Buffer.from(' done')]));
});

test('plainText: HTML input goes out as text/plain only, readable', async () => {
  await apply({ message: '  plainText: true\n' });
  const eml = await sendBody('plain mode', '<p>Backup <b>failed</b> on db-01</p><ul><li>disk full</li></ul>', true);
  const parsed = await simpleParser(eml);
  assert.is(parsed.html, false);
  assert.match(eml.toString('latin1'), /^Content-Type: text\/plain/im);
  assert.match(parsed.text ?? '', 'Backup failed on db-01');
  assert.match(parsed.text ?? '', 'disk full');
  assert.not.match(eml.toString('latin1'), /text\/html|<b>/);
});

test('HTML mode (plainText off): HTML with a text alternative', async () => {
  await apply({ message: '  plainText: false\n' });
  const eml = await sendBody('html mode', '<p>Backup <b>failed</b></p>', true);
  const parsed = await simpleParser(eml);
  assert.match(String(parsed.html), '<b>failed</b>');
  assert.match(parsed.text ?? '', 'Backup failed');
  assert.match(eml.toString('latin1'), /multipart\/alternative/);
});

test.run();
