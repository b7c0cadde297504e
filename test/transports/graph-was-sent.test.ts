// An unknown outcome is not sent again before a check (was-sent.ts), with the sandbox cutting answers off
// (reset: the operation ran) or never answering (stall: it did not): by the draft still being a draft, by
// internetMessageId in Sent Items, by a draft left from before a restart, and within the Sent Items lag
// window. Each case ends with the message delivered exactly once.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AgentError } from '../../agent/errors.ts';
import { classifyFailure } from '../../agent/queue/outcome.ts';
import { createTransport } from '../../agent/transports/index.ts';
import type { OutgoingMessage, Transport } from '../../agent/transports/transport.ts';
import { apps, SECRET } from '../helpers/oauth.ts';
import { tempSandbox, type TestSandbox } from '../sandbox/helpers.ts';
import { graphConfig, message } from './helpers/graph.ts';

const WRITER = 'dddddddd-0000-0000-0000-000000000006';
let sandbox: TestSandbox;
let clock: number;
const open: Transport[] = [];

async function start(lagMs = 0): Promise<void> {
  clock = Date.now();
  sandbox = await tempSandbox({
    now: () => new Date(clock), limits: { sentItemsLagMs: lagMs },
    apps: await apps({ clientId: WRITER, secrets: [SECRET], permissions: ['Mail.Send', 'Mail.ReadWrite'], mailboxes: ['notify@sandbox.test'] }),
  });
}

test.after.each(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
  await sandbox.cleanup();
});

/** Aborts a send 200 ms after its last request (sendMail, or the draft's send) went out: the client's deadline
 *  (the stimulus that leaves the outcome unknown, not a wait for an event). What the tests assert holds
 *  whether the stalled request reached the sandbox by then or not: nothing is delivered either way. */
let abortOnLast: AbortController | undefined;

async function transport(env: NodeJS.ProcessEnv = {}): Promise<Transport> {
  const t = await createTransport(graphConfig(sandbox, { clientId: WRITER }), {
    env,
    onGraphRequest: (r) => {
      const controller = abortOnLast;
      if (controller && /\/(sendMail|send)$/.test(new URL(r.url).pathname)) setTimeout(() => controller.abort(new DOMException('deadline', 'TimeoutError')), 200);
    },
  });
  open.push(t);
  return t;
}

async function deliveries(): Promise<number> {
  const text = await readFile(path.join(sandbox.dataDir, 'deliveries.jsonl'), 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).length;
}

/** Sends, expecting an outcome the queue treats as unknown (it will ask wasSent before sending again).
 *  `stalled`: the last request gets no answer; the send is given up shortly after it went out. */
async function unknownOutcome(t: Transport, m: OutgoingMessage, stalled = false): Promise<void> {
  abortOnLast = stalled ? new AbortController() : undefined;
  try {
    await t.send(m, abortOnLast?.signal);
  } catch (err) {
    assert.ok(err instanceof AgentError, String(err));
    assert.ok(classifyFailure(err).maybeSent, `${err.code} should leave the outcome unknown`);
    return;
  }
  throw new Error('expected the send to fail');
}

const large = () => message({ attachments: [{ filename: 'big.bin', contentType: 'application/octet-stream', content: Buffer.alloc(3_500_000, 1) }] });

test('sendMail ran, its answer was lost: found in Sent Items → sent, not sent again', async () => {
  await start();
  const t = await transport();
  const m = await message();
  sandbox.setFaults([{ kind: 'reset', count: 1 }]);
  await unknownOutcome(t, m);
  assert.is(await t.wasSent?.(m.messageId), true);
  assert.is(await deliveries(), 1);
});

test('the copy not in Sent Items yet: "not known" until the lag window passes, then sent (found) — once', async () => {
  await start(10 * 60_000);
  const t = await transport({ MAIL_AGENT_GRAPH_SENT_ITEMS_LAG_MS: '60000' });
  const m = await message();
  sandbox.setFaults([{ kind: 'reset', count: 1 }]);
  await unknownOutcome(t, m);
  const early = await t.wasSent?.(m.messageId).then(() => undefined, (err: unknown) => err);
  assert.ok(early instanceof AgentError);
  assert.equal([early.code, early.transient], ['Timeout', true]);
  assert.ok((early.backoffMs ?? 0) > 50_000 && (early.backoffMs ?? 0) <= 60_000, String(early.backoffMs));
  assert.ok(classifyFailure(early).maybeSent, 'still unknown: asked again later');
  clock += 10 * 60_000;
  assert.is(await t.wasSent?.(m.messageId), true);
  assert.is(await deliveries(), 1);
});

test('sendMail never reached the server (stalled, aborted), nothing in Sent Items after the window → not sent; sent again once', async () => {
  await start();
  const t = await transport({ MAIL_AGENT_GRAPH_SENT_ITEMS_LAG_MS: '0' });
  const m = await message();
  sandbox.setFaults([{ kind: 'stall', count: 1, match: '/sendMail' }]);
  await unknownOutcome(t, m, true);
  sandbox.setFaults([]);
  assert.is(await t.wasSent?.(m.messageId), false);
  await t.send(m);
  assert.is(await deliveries(), 1);
});

test('large: the draft\'s send stalled → the draft is still a draft → not sent (it goes); sent again once', async () => {
  await start();
  const t = await transport({ MAIL_AGENT_GRAPH_SENT_ITEMS_LAG_MS: '60000' });
  const m = await large();
  sandbox.setFaults([{ kind: 'stall', count: 1, match: '/send' }]);
  await unknownOutcome(t, m, true);
  sandbox.setFaults([]);
  assert.is(await t.wasSent?.(m.messageId), false, 'answered at once, without waiting for the lag window');
  await t.send(m);
  assert.is(await deliveries(), 1);
});

test('large: the draft\'s send ran, its answer was lost → the draft is gone, Sent Items has it → sent', async () => {
  await start();
  const t = await transport();
  const m = await large();
  sandbox.setFaults([{ kind: 'reset', count: 1, match: '/send' }]);
  await unknownOutcome(t, m);
  assert.is(await t.wasSent?.(m.messageId), true);
  assert.is(await deliveries(), 1);
});

test('after a restart (a new transport): a draft left in Drafts is found by internetMessageId, goes, and counts as not sent', async () => {
  await start();
  const first = await transport();
  const m = await large();
  sandbox.setFaults([{ kind: 'stall', count: 1, match: '/send' }]);
  await unknownOutcome(first, m, true);
  sandbox.setFaults([]);
  const second = await transport({ MAIL_AGENT_GRAPH_SENT_ITEMS_LAG_MS: '60000' });
  assert.is(await second.wasSent?.(m.messageId), false);
  await second.send(m);
  assert.is(await deliveries(), 1);
});

test.run();
