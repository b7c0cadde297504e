// The status model: condition semantics, history cap, schema conformance of every transition, the writer.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import schema from '../../schemas/status.schema.json' with { type: 'json' };
import { setCondition } from '../../agent/status/conditions.ts';
import { pushHistory } from '../../agent/status/history.ts';
import { initialStatus } from '../../agent/status/initial.ts';
import { findCondition, type StatusDocument } from '../../agent/status/model.ts';
import * as t from '../../agent/status/transitions.ts';
import { StatusWriter } from '../../agent/status/writer.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { untilFile } from '../helpers/wait.ts';

const rev = (c: string) => 'sha256:' + c.repeat(64);
const ajv = new Ajv2020({ allErrors: true, strict: true });
ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
const validate = ajv.compile(schema);

function assertValid(doc: StatusDocument): void {
  const ok = validate(JSON.parse(JSON.stringify(doc)));
  assert.ok(ok, JSON.stringify(validate.errors));
}

test('lastTransitionTime moves only when the status changes', () => {
  let c = setCondition([], { type: 'Ready', status: 'False', reason: 'Progressing', message: 'm', observedRevision: rev('a') }, 't1');
  c = setCondition(c, { type: 'Ready', status: 'False', reason: 'ServerBusy', message: 'm', observedRevision: rev('a') }, 't2');
  assert.is(c[0]!.lastTransitionTime, 't1');
  assert.is(c[0]!.reason, 'ServerBusy');
  c = setCondition(c, { type: 'Ready', status: 'True', reason: 'Applied', message: 'm', observedRevision: rev('a') }, 't3');
  assert.is(c[0]!.lastTransitionTime, 't3');
});

test('conditions keep a canonical order, Ready first', () => {
  let c = setCondition([], { type: 'TransportReady', status: 'True', reason: 'Verified', message: '', observedRevision: null }, 't');
  c = setCondition(c, { type: 'Ready', status: 'True', reason: 'Applied', message: '', observedRevision: null }, 't');
  assert.equal(c.map((x) => x.type), ['Ready', 'TransportReady']);
});

test('history keeps the last 5, newest first', () => {
  let h: ReturnType<typeof pushHistory> = [];
  for (let i = 0; i < 8; i++) h = pushHistory(h, { revision: rev('a'), outcome: 'Applied', reason: 'Applied', at: `t${i}` });
  assert.is(h.length, 5);
  assert.is(h[0]!.at, 't7');
});

test('every transition yields a document valid against schemas/status.schema.json', () => {
  const doc = initialStatus('/etc/mail-agent/mail-settings.yaml', new Date('2026-01-01T00:00:00Z'));
  assertValid(doc);
  const at = '2026-01-01T00:00:01.000Z';
  t.observed(doc, rev('a'), at); assertValid(doc);
  t.stepPassed(doc, 'ConfigValid', 'Valid', 'ok', rev('a'), at); assertValid(doc);
  t.failed(doc, { revision: rev('a'), step: 'TransportReady', reason: 'ServerBusy', message: 'busy', nextRetryAt: at, at, durationMs: 3 }); assertValid(doc);
  assert.is(findCondition(doc, 'Reconciling')?.reason, 'RetryScheduled');
  t.applied(doc, { revision: rev('a'), settingsDigest: rev('d'), unchanged: false, at, durationMs: 9,
    transport: { service: 'ews', endpoint: 'https://x/EWS/Exchange.asmx', auth: 'ntlm', serverVersion: 'Exchange2016', serverBuild: '15.1.2507.6' },
    testMessage: { to: 'ops@example.com', sentAt: at, messageId: '<1@x>' } });
  assertValid(doc);
  assert.is(findCondition(doc, 'Ready')?.status, 'True');
  assert.is(findCondition(doc, 'Reconciling'), undefined);
  assert.is(doc.failures.consecutive, 0);
  assert.is(doc.failures.total, 1);
  t.observed(doc, rev('b'), at);
  t.rejected(doc, { revision: rev('b'), reason: 'SchemaViolation', at, durationMs: 1, errors: [{ path: '/ews/url', keyword: 'format', line: 7, column: 8, message: 'must be an https URL' }] });
  assertValid(doc);
  assert.is(findCondition(doc, 'Stalled')?.observedRevision, rev('b'));
  assert.is(doc.lastApplied?.revision, rev('a'), 'the previous revision stays live');
  const insecure = [{ code: 'InsecureTransport', keyword: 'certificates', path: '/ews/rejectInvalidCertificates', message: 'server certificates are not verified' }];
  t.transportExposure(doc, insecure, rev('b'), at); assertValid(doc);
  assert.equal([findCondition(doc, 'InsecureTransport')?.status, findCondition(doc, 'InsecureTransport')?.message], ['True', '/ews/rejectInvalidCertificates: server certificates are not verified']);
  t.transportExposure(doc, [], rev('b'), at); assertValid(doc);
  assert.is(findCondition(doc, 'InsecureTransport'), undefined);
  t.missing(doc, at); assertValid(doc);
  assert.is(findCondition(doc, 'Ready')?.reason, 'ConfigMissing');
  for (const c of doc.conditions) assert.ok('observedRevision' in c);
});

test('the writer writes atomically, counts writes and heartbeats', async () => {
  const dir = await tempDir('writer');
  try {
    const path = join(dir.path, 'status.json');
    const clock = new FakeClock(Date.now());
    const writer = new StatusWriter({ path, initial: initialStatus('/x.yaml', new Date(clock.now())), heartbeatMs: 40, clock, timers: clock });
    await writer.update((d) => t.observed(d, rev('a'), new Date(clock.now()).toISOString()));
    const first = JSON.parse(await readFile(path, 'utf8')) as StatusDocument;
    assert.is(first.sequence, 1);
    assert.is(first.observedRevision, rev('a'));
    assert.is(first.agent.heartbeatSeconds, 0.04);
    writer.startHeartbeat();
    const sequence = (text: string | undefined) => (text ? (JSON.parse(text) as StatusDocument).sequence : undefined);
    assert.is(clock.advance(39), 0, 'no beat before heartbeatMs');
    for (const beat of [2, 3]) {
      assert.is(clock.advance(beat === 2 ? 1 : 40), 1, `beat ${beat - 1}`);
      const written = await untilFile(path, (text) => (sequence(text) === beat ? JSON.parse(text!) as StatusDocument : undefined), `sequence ${beat}`);
      assert.is(written.writtenAt, new Date(clock.now()).toISOString(), 'written at the beat\'s time');
    }
    await writer.close();
    assert.is(clock.nextDue(), undefined, 'close() stops the heartbeat');
    const later = JSON.parse(await readFile(path, 'utf8')) as StatusDocument;
    assert.is(later.sequence, 3, 'heartbeat rewrote the file at each beat');
    assert.equal(await readdir(dir.path), ['status.json'], 'no temp files left behind');
  } finally {
    await dir.cleanup();
  }
});

test('concurrent updates never interleave: the file always parses and ends with the last state', async () => {
  const dir = await tempDir('writer');
  try {
    const path = join(dir.path, 'status.json');
    const writer = new StatusWriter({ path, initial: initialStatus('/x.yaml', new Date()) });
    const letters = 'abcdef';
    await Promise.all([...letters].map((c) => writer.update((d) => t.observed(d, rev(c), new Date().toISOString()))));
    const doc = JSON.parse(await readFile(path, 'utf8')) as StatusDocument;
    assert.is(doc.observedRevision, rev('f'));
    // All six were made before the first write began: they share it.
    assert.is(doc.sequence, 1);
  } finally {
    await dir.cleanup();
  }
});

test('an update made while a write is in flight is written after it, once, and resolves when its state is on disk', async () => {
  const written: { sequence: number; observedRevision: string | null }[] = [];
  let release: () => void = () => undefined;
  let started: () => void = () => undefined;
  const firstStarted = new Promise<void>((resolve) => { started = resolve; });
  let writes = 0;
  const write = async (_path: string, data: string) => {
    const doc = JSON.parse(data) as StatusDocument;
    if (writes++ === 0) {
      started();
      await new Promise<void>((resolve) => { release = resolve; });
    }
    written.push({ sequence: doc.sequence, observedRevision: doc.observedRevision });
  };
  const writer = new StatusWriter({ path: '/unused/status.json', initial: initialStatus('/x.yaml', new Date()), write });
  const first = writer.update((d) => t.observed(d, rev('a'), new Date().toISOString()));
  await firstStarted;
  const later = [...'bcd'].map((c) => writer.update((d) => t.observed(d, rev(c), new Date().toISOString())));
  release();
  await first;
  await Promise.all(later);
  assert.is(writes, 2);
  assert.equal(written, [{ sequence: 1, observedRevision: rev('a') }, { sequence: 2, observedRevision: rev('d') }]);
});

test.run();
