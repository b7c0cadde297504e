// The EWS transport's group commit under throttling, with a scripted server in place of sendMany (what the
// real sandbox does is in test/notifications/e2e-throttling.test.ts): a request refused as a whole for what
// it carried is split and each message gets its own outcome (issue 12 item 1), an unknown whole-request code
// fails nothing for good, items the server did not get to go again, a busy answer holds everything until
// the advised time and halves connections and batch size, and a refused size names the message's size.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AgentError, ErrorCodes } from '../../agent/errors.ts';
import { SendBatcher } from '../../agent/transports/ews/send-batcher.ts';
import type { ItemOutcome } from '../../agent/transports/ews/response-messages.ts';
import { itemError, serverCodeError } from '../../agent/transports/ews/server-codes.ts';
import type { OutgoingMessage } from '../../agent/transports/transport.ts';

const message = (i: number, size = 100): OutgoingMessage => ({ messageId: `<m${i}@t>`, to: ['a@b.test'], cc: [], bcc: [], subject: `m${i}`, mime: Buffer.alloc(size, 65) });

type Server = (messages: OutgoingMessage[]) => Promise<ItemOutcome[]>;

function batcher(server: Server, extra: Partial<ConstructorParameters<typeof SendBatcher>[0]> = {}): { b: SendBatcher; requests: { ids: string[]; at: number }[] } {
  const requests: { ids: string[]; at: number }[] = [];
  const b = new SendBatcher({
    host: 'mail.test', maxInFlight: 1, maxBatch: 50, maxBytes: 1_000_000,
    sendMany: (messages) => { requests.push({ ids: messages.map((m) => m.subject), at: Date.now() }); return server(messages); },
    itemError: (outcome) => serverCodeError({ ...outcome, scope: 'item' }, 'mail.test'),
    ...extra,
  });
  return { b, requests };
}

/** Sends m0 alone (it holds the one connection), then the rest, which queue up into one batch. */
async function sendAll(b: SendBatcher, n: number): Promise<PromiseSettledResult<void>[]> {
  return Promise.allSettled(Array.from({ length: n }, (_, i) => b.send(message(i))));
}

const ok = (messages: OutgoingMessage[]): Promise<ItemOutcome[]> => Promise.resolve(messages.map(() => ({})));

test('a request refused as a whole (ErrorSchemaValidation: one bad address) is split: each message again alone, only the bad one fails', async () => {
  const { b, requests } = batcher(async (messages) => {
    if (messages.some((m) => m.subject === 'm7')) {
      throw serverCodeError({ serverCode: 'ErrorSchemaValidation', scope: 'request' }, 'mail.test');
    }
    return ok(messages);
  });
  const results = await sendAll(b, 10);
  assert.equal(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
  const bad = (results[7] as PromiseRejectedResult).reason as AgentError;
  assert.equal([bad.code, bad.transient, bad.serverCode], ['MessageInvalid', false, 'ErrorSchemaValidation']);
  assert.equal(requests.map((r) => r.ids.length), [1, 9, 1, 1, 1, 1, 1, 1, 1, 1, 1], 'the batch of 9, then each of them alone');
});

test('an unknown code on a whole request fails none of its messages for good: split, and each alone goes through', async () => {
  let refused = false;
  const { b, requests } = batcher(async (messages) => {
    if (messages.length > 1 && !refused) {
      refused = true;
      throw serverCodeError({ serverCode: 'ErrorSomethingNew', scope: 'request' }, 'mail.test');
    }
    return ok(messages);
  });
  const results = await sendAll(b, 6);
  assert.ok(results.every((r) => r.status === 'fulfilled'));
  assert.equal(requests.map((r) => r.ids.length), [1, 5, 1, 1, 1, 1, 1]);
});

test('ErrorBatchProcessingStopped: the items the server did not get to are sent again (smaller batches), none fails', async () => {
  let stops = 0;
  const { b, requests } = batcher(async (messages) => {
    if (messages.length > 3 && stops < 2) {
      stops += 1;
      return messages.map((_m, i) => (i < 2 ? {} : { serverCode: 'ErrorBatchProcessingStopped' }));
    }
    return ok(messages);
  });
  const results = await sendAll(b, 12);
  assert.ok(results.every((r) => r.status === 'fulfilled'), JSON.stringify(results));
  assert.equal(requests[1]?.ids.length, 11);
  // The 9 it did not get to went again, first one at a time (half of the 2 it got through), then more.
  assert.equal(requests.slice(2).flatMap((r) => r.ids), ['m3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9', 'm10', 'm11']);
  assert.is(requests[2]?.ids.length, 1);
  assert.ok(requests.slice(2).every((r) => r.ids.length <= 3), JSON.stringify(requests.map((r) => r.ids.length)));
});

test('a busy answer holds every waiting message until the advised time (no request before it), halves connections and batch size', async () => {
  let busy = true;
  const { b, requests } = batcher(async (messages) => {
    if (busy && messages.length > 1) {
      busy = false;
      return messages.map((_m, i) => (i === 0 ? { serverCode: 'ErrorServerBusy', backoffMs: 300 } : {}));
    }
    return ok(messages);
  }, { maxInFlight: 2 });
  // Two go at once (two connections), the rest queue behind them.
  const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => b.send(message(i))));
  const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as AgentError);
  assert.equal(refused.map((e) => [e.code, e.backoffMs]), [['ServerBusy', 300]], 'only the item the server refused');
  assert.equal(b.limits, { connections: 1, batch: 25 });
  const until = b.pausedUntil;
  assert.ok(until > Date.now());
  const before = requests.length;
  // Sent during the pause: they wait for it, and then go.
  await Promise.all(Array.from({ length: 5 }, (_, i) => b.send(message(100 + i))));
  assert.ok(requests.length > before);
  assert.ok(requests.slice(before).every((r) => r.at >= until), 'no request inside the advised window');
});

test('lookups (wasSent\'s FindItem) share the queue: a busy answer to one pauses the sends, and what waits goes after the pause', async () => {
  const { b, requests } = batcher(ok);
  const lookups: number[] = [];
  const busyLookup = b.schedule(() => Promise.reject(new AgentError(ErrorCodes.ServerBusy, 'busy', { transient: true, backoffMs: 250 })));
  const queuedLookup = b.schedule(() => { lookups.push(Date.now()); return Promise.resolve(true); });
  const queuedSend = b.send(message(1));
  assert.is((await busyLookup.then(() => undefined, (e: unknown) => e as AgentError))?.code, 'ServerBusy');
  const until = b.pausedUntil;
  assert.ok(until > Date.now(), 'the lookup\'s busy answer paused the queue');
  assert.is(await queuedLookup, true);
  await queuedSend;
  assert.ok(lookups.every((t) => t >= until) && requests.every((r) => r.at >= until), 'nothing went inside the pause');
});

test('a busy answer without advice (HTTP 503) reaches the caller with the pause as its back-off: a retry above never lands inside it', async () => {
  let first = true;
  const { b } = batcher((messages) => {
    if (!first) return ok(messages);
    first = false;
    return Promise.reject(new AgentError(ErrorCodes.ServerBusy, 'HTTP 503', { transient: true }));
  });
  const refused = await b.send(message(1)).then(() => undefined, (e: unknown) => e as AgentError);
  assert.is(refused?.code, 'ServerBusy');
  const remaining = b.pausedUntil - Date.now();
  assert.ok(remaining > 0, 'the unadvised answer paused the queue');
  assert.ok(refused?.backoffMs !== undefined && refused.backoffMs >= remaining && refused.backoffMs <= 1_000, `backoffMs ${refused?.backoffMs}, pause left ${remaining} ms`);
  const lookup = await b.schedule(() => Promise.reject(new AgentError(ErrorCodes.ServerBusy, 'HTTP 503', { transient: true }))).then(() => undefined, (e: unknown) => e as AgentError);
  assert.ok(lookup?.backoffMs !== undefined && lookup.backoffMs >= b.pausedUntil - Date.now(), 'a lookup\'s busy answer carries it too');
});

test('a pause longer than half a minute hands the waiting messages back unsent (they wait in the spool instead)', async () => {
  const { b } = batcher(() => Promise.reject(new AgentError(ErrorCodes.ServerBusy, 'HTTP 503', { transient: true, backoffMs: 120_000 })));
  const results = await sendAll(b, 5);
  const reasons = results.map((r) => (r as PromiseRejectedResult).reason as AgentError);
  assert.ok(reasons.every((e) => e.code === 'ServerBusy'));
  assert.ok(reasons.slice(2).every((e) => /^not sent: mail\.test asked for a pause until /.test(e.message)), reasons.map((e) => e.message).join('; '));
});

test('ErrorMessageSizeExceeded: MessageTooLarge, permanent, its reason names the size and the setting to lower', async () => {
  const { b } = batcher((messages) => Promise.resolve(messages.map(() => ({ serverCode: 'ErrorMessageSizeExceeded' }))), {
    itemError: (outcome, m) => itemError(outcome, m, 'mail.test'),
  });
  const error = await b.send(message(1, 3 * 1048576)).then(() => undefined, (e: unknown) => e as AgentError);
  assert.equal([error?.code, error?.transient, error?.serverCode], ['MessageTooLarge', false, 'ErrorMessageSizeExceeded']);
  assert.match(error?.message ?? '', /^the message is 3\.0 MB \(3145728 bytes as MIME\): mail\.test refused it as over its size limit \(ErrorMessageSizeExceeded\); keep message\.attachmentLimitMB/);
});

test.run();
