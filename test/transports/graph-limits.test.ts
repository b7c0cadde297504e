// Exchange Online's limits inside the Graph transport: 30 messages a minute per mailbox (a sliding window;
// a clock the test moves — nothing sleeps), and at most four requests at once.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_MESSAGES_PER_MINUTE, messagesPerMinute, Pace, Semaphore, type PaceClock } from '../../agent/transports/graph/limits.ts';

class FakeClock implements PaceClock {
  ms = 1_000_000;
  sleepers: { until: number; wake: () => void }[] = [];
  now = (): number => this.ms;
  sleep = (ms: number): Promise<void> => new Promise((resolve) => { this.sleepers.push({ until: this.ms + ms, wake: resolve }); });
  advance(ms: number): void {
    this.ms += ms;
    for (const s of this.sleepers.filter((x) => x.until <= this.ms)) {
      this.sleepers.splice(this.sleepers.indexOf(s), 1);
      s.wake();
    }
  }
}

const settle = () => new Promise((r) => setImmediate(r));

test('30 a minute: the first 30 go at once, the 31st when the first leaves the 60 s window, in order', async () => {
  const clock = new FakeClock();
  const pace = new Pace(DEFAULT_MESSAGES_PER_MINUTE, clock);
  const done: number[] = [];
  const slots = Array.from({ length: 32 }, (_, i) => pace.slot().then(() => { done.push(i); }));
  await settle();
  await settle();
  assert.is(done.length, 30);
  clock.advance(59_999);
  await settle();
  assert.is(done.length, 30);
  clock.advance(1);
  await settle();
  await settle();
  assert.equal(done.slice(30), [30, 31]);
  await Promise.all(slots);
});

test('a slow trickle never waits', async () => {
  const clock = new FakeClock();
  const pace = new Pace(2, clock);
  for (let i = 0; i < 5; i++) {
    await pace.slot();
    clock.advance(30_000);
  }
  assert.is(clock.sleepers.length, 0);
});

test('the pace comes from MAIL_AGENT_GRAPH_MESSAGES_PER_MINUTE, else 30', () => {
  assert.is(messagesPerMinute({}), 30);
  assert.is(messagesPerMinute({ MAIL_AGENT_GRAPH_MESSAGES_PER_MINUTE: '120' }), 120);
  assert.is(messagesPerMinute({ MAIL_AGENT_GRAPH_MESSAGES_PER_MINUTE: 'lots' }), 30);
});

test('at most four at once; a waiting one can be aborted without taking a place', async () => {
  const limit = new Semaphore(4);
  let running = 0;
  let most = 0;
  const releases: (() => void)[] = [];
  const work = () => limit.run(undefined, () => new Promise<void>((resolve) => {
    running += 1;
    most = Math.max(most, running);
    releases.push(() => { running -= 1; resolve(); });
  }));
  const all = Array.from({ length: 6 }, work);
  await settle();
  assert.is(running, 4);
  const controller = new AbortController();
  const aborted = limit.run(controller.signal, () => Promise.resolve('never')).then(() => 'ran', () => 'aborted');
  controller.abort();
  assert.is(await aborted, 'aborted');
  while (releases.length > 0) {
    releases.shift()?.();
    await settle();
  }
  await Promise.all(all);
  assert.is(most, 4);
});

test.run();
