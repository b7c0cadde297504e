// The sandbox's Exchange limits (docs/sandbox.md, "Throttling and limits") driven by an independent client,
// Debian's python3-exchangelib: in every mode it gets through as it would against Exchange (its
// FaultTolerance honours BackOffMilliseconds, its session pool shrinks on ErrorExceededConnectionCount, it
// steps down on ErrorInvalidSchemaVersionForMailboxVersion, it sees ErrorBatchProcessingStopped and
// ErrorMessageSizeExceeded per item), which shows the sandbox shapes each answer as Exchange does. One Python
// process runs every job (importing exchangelib takes seconds) against a sandbox set up for each.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { simpleParser } from 'mailparser';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildDirectory } from '../../agent/sandbox/users.ts';
import type { FaultRule, SandboxOptions } from '../../agent/sandbox/index.ts';
import { repoRoot, tempSandbox, type TestSandbox } from './helpers.ts';
import { validateEnvelopes } from '../helpers/ews-schema.ts';
import { needTools } from '../helpers/tools.ts';
import { jsonLines, untilFile } from '../helpers/wait.ts';
import { readThrottleLog, type Delivery } from './limits-helpers.ts';

const run = promisify(execFile);
const SCRIPT = path.join(repoRoot, 'test/sandbox/exchangelib_limits.py');
const ACCOUNT = { username: 'CORP\\agent', password: 'S3cret!', email: 'agent@corp.test' };
const directory = buildDirectory({ users: [ACCOUNT] });

interface Result { ok: boolean; sent?: number; stopped?: number; errors?: string[]; version?: string; message?: string; [k: string]: unknown }
interface Seen { operation?: string; status: number; response: string; injected?: string }
type Job = Record<string, string | number | boolean>;

const scenarios: Record<string, { options: Partial<SandboxOptions>; job: Job; after?: { requests: number; faults: FaultRule[] } }> = {
  // 240/min: one every 250 ms; the Outbox takes 1 s ahead (4 messages): CreateItems of 4 overdraw it.
  // (One thread: exchangelib's session pool can deadlock when several threads shrink it at once.)
  rate: { options: { limits: { messageRatePerMinute: 240, outboxAheadMs: 1000 } }, job: { kind: 'send', count: 12, chunk: 4 } },
  // 600/min with a 1.5 s batch limit: a CreateItem of 25 stops part-way; exchangelib's answer has the rest as
  // ErrorBatchProcessingStopped, which the job sends again.
  stopped: { options: { limits: { messageRatePerMinute: 600, outboxAheadMs: 500, batchLimitMs: 1500 } }, job: { kind: 'send', count: 25, chunk: 25, resend: true } },
  lag: { options: { limits: { sentItemsLagMs: 1500 } }, job: { kind: 'lag', withinSeconds: 30 } },
  // Two threads on two sessions against a limit of one. (Not more: exchangelib 4.9 deadlocks when it shrinks a
  // pool that is below its maximum with every session in use — decrease_poolsize → get_session →
  // increase_poolsize takes the lock it holds.)
  // Each pair of sends starts together (a barrier): under load, two free-running threads sometimes never overlapped.
  connections: { options: { limits: { maxConnections: 1 } }, job: { kind: 'send', count: 12, threads: 2, maxConnections: 2, together: true } },
  // Injected once exchangelib has its version (it gives up when its very first request is refused so).
  connlimit: { options: {}, job: { kind: 'send', count: 6 }, after: { requests: 2, faults: [{ kind: 'connlimit', count: 1 }] } },
  internal200: { options: { faults: [{ kind: 'internal200', count: 1 }] }, job: { kind: 'send', defaultBackoff: 1 } },
  size: { options: { limits: { maxMessageSizeMB: 1 } }, job: { kind: 'send', attachmentBytes: 1_200_000 } },
  mailbox: { options: { limits: { mailboxVersion: 'Exchange2010_SP2' } }, job: { kind: 'send' } },
  mime: { options: {}, job: { kind: 'send', mime: true, bcc: 'audit@example.test' } },
};
const boxes = new Map<string, { sb: TestSandbox; seen: Seen[] }>();
const results = new Map<string, Result>();

if (needTools(import.meta.url, test, ['exchangelib', 'xmllint'])) {
  test.before(async () => {
    const jobs: Job[] = [];
    for (const [name, scenario] of Object.entries(scenarios)) {
      const seen: Seen[] = [];
      const late = scenario.after;
      const sb: TestSandbox = await tempSandbox({
        directory, ...scenario.options,
        tap: (x) => { if (seen.push(x) === late?.requests) sb.setFaults(late.faults); },
      });
      boxes.set(name, { sb, seen });
      jobs.push({
        url: sb.url, ca: sb.caPath ?? '', username: ACCOUNT.username, password: ACCOUNT.password, email: ACCOUNT.email,
        to: 'ops@example.test', subject: `exchangelib ${name}`, ...scenario.job,
      });
    }
    const { stdout } = await run('/usr/bin/python3', [SCRIPT, JSON.stringify(jobs)], { timeout: 240_000 });
    const out = JSON.parse(stdout.trim().split('\n').at(-1) ?? '[]') as Result[];
    Object.keys(scenarios).forEach((name, i) => results.set(name, out[i] ?? { ok: false, errors: ['NoResult'] }));
  });

  test.after(async () => {
    for (const { sb } of boxes.values()) await sb.cleanup();
  });

    function box(name: string): { sb: TestSandbox; seen: Seen[] } {
    const b = boxes.get(name);
    if (!b) throw new Error(`no sandbox ${name}`);
    return b;
  }
  const result = (name: string): Result => results.get(name) ?? { ok: false, errors: ['NoResult'] };
  /** exchangelib's version guess wanders when requests are refused (it tries the next version): not asserted there. */
  const outcome = ({ version: _v, ...rest }: Result): Result => rest;

  async function deliveries(sb: TestSandbox): Promise<Delivery[]> {
    const text = await readFile(path.join(sb.dataDir, 'deliveries.jsonl'), 'utf8').catch(() => '');
    return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Delivery);
  }

  /** Waits (on the file, not a clock) until the Outbox has let `n` messages out. */
  async function delivered(sb: TestSandbox, n: number): Promise<Delivery[]> {
    return untilFile(path.join(sb.dataDir, 'deliveries.jsonl'), (text) => {
      const got = jsonLines<Delivery>(text);
      return got.length >= n ? got : undefined;
    }, `${n} messages out of the Outbox`, 20_000);
  }

  test('--message-rate: ErrorServerBusy with BackOffMilliseconds when the Outbox is overdrawn; exchangelib backs off, all 12 go out once, at the rate, none early', async () => {
    const { sb, seen } = box('rate');
    assert.equal(outcome(result('rate')), { ok: true, sent: 12, stopped: 0, errors: [] });
    const log = await readThrottleLog(sb);
    assert.ok(log.some((e) => e.event === 'advised' && e.code === 'ErrorServerBusy'), 'the sandbox advised a back-off');
    assert.ok(seen.some((s) => s.status === 500 && /<t:Value Name="BackOffMilliseconds">\d+<\/t:Value>/.test(s.response)));
    assert.equal(log.filter((e) => e.event === 'early' && e.violation), [], 'exchangelib sent nothing it had been told to hold');
    const got = await delivered(sb, 12);
    assert.is(new Set(got.map((d) => d.subject)).size, 12);
    const times = got.map((d) => Date.parse(d.time)).sort((a, b) => a - b);
    // 12 messages at one every 250 ms: from the first to the last at least 11 intervals (less one, for
    // the first, whose time is taken a little after its slot).
    assert.ok(times.at(-1)! - times[0]! >= 10 * 250, `spread ${times.at(-1)! - times[0]!} ms`);
  });

  test('a batch past its minute (shortened): the rest answer ErrorBatchProcessingStopped (Warning), exchangelib sends them again, each delivered once', async () => {
    const { sb, seen } = box('stopped');
    const r = result('stopped');
    assert.is(r.ok, true, JSON.stringify(r));
    assert.ok((r.stopped ?? 0) > 0, 'some items came back not processed');
    assert.ok(seen.some((s) => /ResponseClass="Warning"><m:MessageText>[^<]*<\/m:MessageText><m:ResponseCode>ErrorBatchProcessingStopped/.test(s.response)));
    const got = await delivered(sb, 25);
    assert.is(got.length, 25);
    assert.is(new Set(got.map((d) => d.subject)).size, 25);
    await validateEnvelopes(seen.filter((s) => s.status === 200).map((s) => s.response));
  });

  test('--sent-items-lag: right after sending the message is in the Outbox, not Sent Items; once in Sent Items, no longer in the Outbox', () => {
    assert.equal(result('lag'), { ok: true, outboxAtOnce: true, sentAtOnce: false, outboxLater: false, sentLater: true });
  });

  test('--max-connections 1: ErrorExceededConnectionCount beyond one request at once; exchangelib reads it, shrinks its pool to one session and goes on', async () => {
    const { sb } = box('connections');
    const r = result('connections');
    const log = await readThrottleLog(sb);
    assert.ok(log.some((e) => e.event === 'refused' && e.code === 'ErrorExceededConnectionCount'), 'the limit was hit');
    // Refused when its pool is down to one session already, exchangelib hands the error to the caller (its
    // design); every other message goes out, once.
    assert.ok((r.errors ?? []).every((e) => e === 'ErrorExceededConnectionCount'), JSON.stringify(r));
    assert.is((r.sent ?? 0) + (r.errors ?? []).length, 12, JSON.stringify(r));
    assert.ok((r.sent ?? 0) >= 6, JSON.stringify(r));
    const got = await deliveries(sb);
    assert.is(got.length, r.sent);
    assert.is(new Set(got.map((d) => d.subject)).size, got.length);
  });

  test('fault connlimit: exchangelib reads the answer as ErrorExceededConnectionCount (its pool at one session, it hands it to the caller); the rest go out', async () => {
    const { sb, seen } = box('connlimit');
    assert.equal(outcome(result('connlimit')), { ok: false, sent: 5, stopped: 0, errors: ['ErrorExceededConnectionCount'] });
    assert.is(seen.filter((s) => s.injected === 'connlimit').length, 1);
    assert.is((await deliveries(sb)).length, 5);
  });

  test('fault internal200: HTTP 200 ErrorInternalServerError with InnerErrorResponseCode ErrorServerBusy; exchangelib backs off and sends once', async () => {
    const { sb, seen } = box('internal200');
    assert.equal(result('internal200'), { ok: true, sent: 1, stopped: 0, errors: [], version: 'Exchange2016' });
    const answer = seen.find((s) => /ErrorInternalServerError/.test(s.response));
    assert.ok(answer && answer.status === 200);
    assert.match(answer.response, /<t:Value Name="InnerErrorResponseCode">ErrorServerBusy<\/t:Value>/);
    await validateEnvelopes([answer.response]);
    assert.is((await deliveries(sb)).length, 1);
  });

  test('--max-message-size 1: a 1.2 MB message answers ErrorMessageSizeExceeded, nothing delivered', async () => {
    const r = result('size');
    assert.is(r.ok, false);
    assert.equal(r.errors, ['ErrorMessageSizeExceeded'], JSON.stringify(r));
    assert.is((await deliveries(box('size').sb)).length, 0);
  });

  test('--mailbox-version Exchange2010_SP2: ErrorInvalidSchemaVersionForMailboxVersion, exchangelib steps down and sends', async () => {
    const { sb, seen } = box('mailbox');
    assert.equal(result('mailbox'), { ok: true, sent: 1, stopped: 0, errors: [], version: 'Exchange2010_SP2' });
    assert.ok(seen.some((s) => s.status === 500 && /ErrorInvalidSchemaVersionForMailboxVersion/.test(s.response)));
    assert.is((await deliveries(sb)).length, 1);
  });

  test('MimeContent with BccRecipients: delivered to the MIME\'s To and to the Bcc; no Bcc header in what is delivered', async () => {
    const { sb } = box('mime');
    assert.is(result('mime').ok, true, JSON.stringify(result('mime')));
    const [d] = await deliveries(sb);
    assert.ok(d);
    assert.equal(d.to, ['ops@example.test']);
    assert.equal(d.bcc, ['audit@example.test']);
    assert.is(d.files.length, 2);
    for (const file of d.files) {
      const raw = await readFile(path.join(sb.dataDir, file));
      assert.not.match(raw.toString('latin1'), /^bcc:/im);
      assert.is((await simpleParser(raw)).text?.trim(), 'sent as MIME');
    }
  });
}

test.run();
