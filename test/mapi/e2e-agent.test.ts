// The real agent with `service: mapi` end to end under Wine: `mail-agent run` (a child process) runs
// wine64 mapi-helper.exe against Wine's mapi32 and the test provider, whose log shows what MAPI was asked
// to send. One agent through a whole story: default profile, named profile, queued notifications,
// a helper killed mid-send, an unknown profile, a provider of the wrong bitness, shutdown.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Ajv2020 } from 'ajv/dist/2020.js';
import iconv from 'iconv-lite';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import schema from '../../schemas/status.schema.json' with { type: 'json' };
import { findCondition, type StatusDocument } from '../../agent/status/model.ts';
import { waitFor } from '../helpers/wait.ts';
import { AgentRig } from './agent-rig.ts';
import { readLog, wineTests, type ProviderRecord } from './wine.ts';

const MAPI_USE_DEFAULT = 0x40, MAPI_EXPLICIT_PROFILE = 0x10, MAPI_LOGON_UI = 0x1, MAPI_PASSWORD_UI = 0x20000;
const ajv = new Ajv2020({ allErrors: true, strict: true });
ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
const validStatus = ajv.compile(schema);

// Runs everywhere: Linux without a configured helper is the common case this test documents.
test('no helper configured off Windows → TransportReady False, Stalled PlatformUnsupported saying how to run it', async () => {
  if (process.platform === 'win32') return;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mapi-e2e-nohelper-'));
  const rig = new AgentRig(dir);
  try {
    const text = await rig.write({ testTo: 'ops@contoso.test' });
    rig.start({ MAIL_AGENT_MAPI_HELPER: '' });
    assert.is((await rig.wait(text)).code, 1, rig.output());
    const doc = await rig.status();
    const transportReady = findCondition(doc, 'TransportReady');
    assert.equal([transportReady?.status, transportReady?.reason], ['False', 'PlatformUnsupported']);
    assert.match(transportReady?.message ?? '', /MAIL_AGENT_MAPI_HELPER/);
    assert.is(findCondition(doc, 'Stalled')?.reason, 'PlatformUnsupported');
    assert.ok(validStatus(doc), JSON.stringify(validStatus.errors));
  } finally {
    await rig.kill();
    await rm(dir, { recursive: true, force: true });
  }
});

wineTests('test/mapi/e2e-agent.test.ts', test, (wine) => {
  let rig: AgentRig;
  let log: string;
  let hangMarker: string;
  const records = () => readLog(log);
  const bySubject = (subject: string) => records().filter((r) => r.props.PR_SUBJECT_W === subject);
  const testMessages = () => records().filter((r) => String(r.props.PR_SUBJECT_W).startsWith('mail-agent test from'));
  async function delivered(subject: string): Promise<ProviderRecord> {
    await waitFor(() => bySubject(subject).length > 0, `the provider to record "${subject}"`, 20_000);
    return bySubject(subject)[0]!;
  }
  async function ready(text: string): Promise<StatusDocument> {
    const res = await rig.wait(text);
    assert.is(res.code, 0, res.out + res.err + rig.output());
    const doc = await rig.status();
    assert.ok(validStatus(doc), JSON.stringify(validStatus.errors));
    return doc;
  }
  async function queue(args: string[], body: string): Promise<void> {
    const file = path.join(wine().tmp, `body-${Date.now()}.txt`);
    await writeFile(file, body);
    const res = await rig.send([...args, '--body', file]);
    assert.is(res.code, 0, res.out + res.err);
  }

  test('default profile: Ready, the status names the profile, client and helper; the test message in HTML', async () => {
    rig = new AgentRig(path.join(wine().tmp, 'agent'));
    log = wine().newLog();
    // The provider hangs once at "submitted" when this marker is absent: present now, removed to arm it.
    hangMarker = path.join(wine().tmp, 'hang-marker');
    await writeFile(hangMarker, '');
    const text = await rig.write({ testTo: 'ops@contoso.test' });
    rig.start(wine().env({ MAPI_TEST_PROVIDER_LOG: log, MAPI_TEST_HANG: 'submitted', MAPI_TEST_HANG_ONCE: hangMarker }));
    const doc = await ready(text);
    const transport = doc.lastApplied?.transport;
    assert.is(transport?.service, 'mapi');
    assert.is(transport?.endpoint, 'Outlook', 'the default profile by its real name');
    assert.is(transport?.client, 'Mail Agent Test Provider, 64-bit');
    assert.match(transport?.helper ?? '', /^mapi-helper \d+\.\d+\.\d+, 64-bit$/);
    assert.is(transport?.serverVersion, undefined, 'MAPI does not report an Exchange version');
    assert.is(findCondition(doc, 'TestMessageDelivered')?.reason, 'Delivered');
    const [rec, ...more] = testMessages();
    assert.is(more.length, 0, 'exactly one test message');
    assert.ok(rec);
    assert.is(rec.profile, 'Outlook');
    assert.ok(rec.logonFlags & MAPI_USE_DEFAULT);
    assert.is(rec.logonFlags & (MAPI_LOGON_UI | MAPI_PASSWORD_UI), 0);
    assert.is(rec.props.PR_INTERNET_MESSAGE_ID_W, doc.testMessage?.messageId);
    assert.is(rec.props.PR_INTERNET_CPID, 65001);
    const html = Buffer.from(String(rec.props.PR_HTML), 'base64').toString('utf8');
    assert.match(html, /<th align="left">MAPI client<\/th><td>Mail Agent Test Provider, 64-bit<\/td>/);
    assert.match(html, /<th align="left">MAPI store<\/th><td>online<\/td>/);
    assert.is(rec.props.PR_SENT_REPRESENTING_EMAIL_ADDRESS_W, 'helpdesk@contoso.test', 'message.from as the representing address');
    assert.equal(rec.recipients.map((r) => [r.PR_RECIPIENT_TYPE, r.PR_EMAIL_ADDRESS_W]), [[1, 'ops@contoso.test']]);
    const shown = await rig.cli(['status', '--status', rig.statusPath]);
    assert.match(shown.out, /mapi Outlook via Mail Agent Test Provider, 64-bit, online store/);
    assert.is(transport?.store, 'online');
  });

  test('a queued HTML notification with attachments, sent on behalf (fromDelegation)', async () => {
    const pdf = path.join(wine().tmp, 'report.pdf');
    await writeFile(pdf, Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x80]));
    const notes = path.join(wine().tmp, 'Prüfbericht März.txt'); // a non-ASCII name survives MIME and back
    await writeFile(notes, 'hello\n');
    await queue(['--to', 'a@contoso.test', '--cc', 'c@contoso.test', '--bcc', 'd@contoso.test', '--subject', 'Disk full ✓',
      '--html', '--from', 'boss@contoso.test', '--attach', pdf, '--attach', notes], '<p>Disk <b>full</b> on srv-01 ✓</p>');
    const rec = await delivered('Disk full ✓');
    assert.is(rec.profile, 'Outlook');
    assert.is(Buffer.from(String(rec.props.PR_HTML), 'base64').toString('utf8'), '<p>Disk <b>full</b> on srv-01 ✓</p>');
    assert.match(String(rec.props.PR_BODY_W), /Disk full on srv-01 ✓/, 'the text alternative');
    assert.is(rec.props.PR_INTERNET_CPID, 65001);
    assert.is(rec.props.PR_SENT_REPRESENTING_EMAIL_ADDRESS_W, 'boss@contoso.test');
    assert.is(rec.props.PR_SENT_REPRESENTING_ADDRTYPE_W, 'SMTP');
    assert.equal(rec.recipients.map((r) => [r.PR_RECIPIENT_TYPE, r.PR_EMAIL_ADDRESS_W]), [[1, 'a@contoso.test'], [2, 'c@contoso.test'], [3, 'd@contoso.test']]);
    assert.equal(rec.attachments.map((a) => [a.PR_ATTACH_LONG_FILENAME_W, a.PR_ATTACH_MIME_TAG_W]), [['report.pdf', 'application/pdf'], ['Prüfbericht März.txt', 'text/plain']]);
    assert.equal([...Buffer.from(String(rec.attachments[0]?.PR_ATTACH_DATA_BIN), 'base64')], [0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x80]);
    await waitFor(async () => (await rig.cli(['log', '--state-dir', rig.stateDir, '-o', 'json'])).out.includes('"result":"delivered"'), 'the delivery in the log');
    const entry = JSON.parse((await rig.cli(['log', '--state-dir', rig.stateDir, '-o', 'json'])).out.split('\n')[0]!) as { transport: string; result: string };
    assert.equal([entry.result, entry.transport], ['delivered', 'mapi Outlook']);
  });

  test('named profile, ISO-8859-1 in plain-text mode: a test message and a notification as text, code page 28591', async () => {
    const text = await rig.write({ testTo: 'ops@contoso.test', profile: 'notifications', charset: 'iso-8859-1', plainText: true });
    const doc = await ready(text);
    assert.is(doc.lastApplied?.transport.endpoint, 'Notifications', 'the profile as the profile table spells it');
    const tests = testMessages();
    assert.is(tests.length, 2);
    const rec = tests[1]!;
    assert.is(rec.profile, 'Notifications');
    assert.ok(rec.logonFlags & MAPI_EXPLICIT_PROFILE);
    assert.is(rec.props.PR_INTERNET_CPID, 28591);
    assert.is(rec.props.PR_HTML, undefined);
    assert.match(String(rec.props.PR_BODY_W), /MAPI profile: notifications/);
    await queue(['--to', 'a@contoso.test', '--subject', 'Grüße', '--html'], '<p>Grüße aus <b>Köln</b></p>');
    const note = await delivered('Grüße');
    assert.is(note.profile, 'Notifications');
    assert.is(note.props.PR_HTML, undefined, 'plain-text mode sends no HTML');
    assert.match(String(note.props.PR_BODY_W), /Grüße aus Köln/);
    assert.is(note.props.PR_INTERNET_CPID, 28591);
    assert.ok(iconv.encodingExists('iso-8859-1'));
  });

  test('the helper killed by pid mid-send (after the store took it) → a fresh helper, delivered once', async () => {
    const before = rig.helpers();
    assert.ok(before.length >= 1, 'the live transport runs a helper');
    await rm(hangMarker); // arms the provider: the next send hangs once, after recording the message
    await queue(['--to', 'a@contoso.test', '--subject', 'survives a crash'], 'once only');
    await waitFor(() => existsSync(hangMarker), 'the provider to hang after submitting', 20_000);
    const hung = rig.helpers().at(-1)!; // the live (newest) helper; an older one may still be retiring
    process.kill(hung, 'SIGKILL');
    await waitFor(async () => (await rig.cli(['log', '--state-dir', rig.stateDir, '-o', 'json'])).out.split('\n')[0]?.includes('survives a crash') === true,
      'the outcome in the notifications log', 20_000);
    const entry = JSON.parse((await rig.cli(['log', '--state-dir', rig.stateDir, '-o', 'json'])).out.split('\n')[0]!) as { result: string; attempt: number };
    assert.equal([entry.result, entry.attempt], ['delivered', 1]);
    assert.is(bySubject('survives a crash').length, 1, 'delivered once: the fresh helper found it in Sent Items');
    const after = rig.helpers();
    assert.not.ok(after.includes(hung));
    assert.ok(after.some((pid) => !before.includes(pid)), 'a fresh helper was started');
  });

  test('an unknown profile → Stalled ProfileNotFound (name not echoed); the old transport still delivers', async () => {
    const text = await rig.write({ testTo: 'ops@contoso.test', profile: 'NoSuchProfile' });
    const res = await rig.wait(text);
    assert.is(res.code, 1, res.out + res.err);
    const doc = await rig.status();
    assert.is(findCondition(doc, 'Stalled')?.reason, 'ProfileNotFound');
    assert.is(findCondition(doc, 'TransportReady')?.status, 'False');
    assert.not.match(JSON.stringify(doc.conditions), 'NoSuchProfile');
    assert.is(doc.lastApplied?.transport.endpoint, 'Notifications');
    await queue(['--to', 'a@contoso.test', '--subject', 'still sending'], 'x');
    assert.is((await delivered('still sending')).profile, 'Notifications');
  });

  test('a provider of the wrong bitness → TransportReady False, a clear refusal; then SIGTERM leaves no helper', async () => {
    wine().useProvider('x86');
    try {
      const text = await rig.write({ testTo: 'ops@contoso.test', profile: 'Outlook', charset: 'windows-1252' });
      const res = await rig.wait(text);
      assert.is(res.code, 1, res.out + res.err);
      const doc = await rig.status();
      const transportReady = findCondition(doc, 'TransportReady');
      assert.is(transportReady?.status, 'False');
      assert.is(transportReady?.reason, 'PlatformUnsupported');
      assert.match(transportReady?.message ?? '', /32-bit but this helper is 64-bit/);
      assert.is(findCondition(doc, 'Stalled')?.reason, 'PlatformUnsupported');
      assert.is(testMessages().length, 2, 'no test message through a refused provider');
    } finally {
      wine().useProvider('x64');
    }
    const helpers = rig.helpers();
    assert.is(await rig.stop(), 0, rig.output());
    await waitFor(() => helpers.every((pid) => !existsSync(`/proc/${pid}`)), 'the helpers to exit with the agent', 5000);
  });

  test.after(async () => { await rig.kill(); });
});

test.run();
