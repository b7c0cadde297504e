// Metrics and health end to end: the real agent process with --metrics-addr on port 0 against the real
// sandbox, scraped over HTTP while a good file, a bad file and a notification go through it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { revisionOf } from '../../agent/config/revision.ts';
import type { Child } from '../helpers/child.ts';
import { waitFor, waitForValue } from '../helpers/wait.ts';
import { rig, type Rig } from '../run/helpers/e2e.ts';

let r: Rig;
let agent: Child;
let base: string;
let good: string;

const get = async (path: string) => {
  const res = await fetch(base + path);
  return { code: res.status, text: await res.text(), type: res.headers.get('content-type') ?? '' };
};
/** The value of one sample line (`name{labels} value`); undefined when absent. */
const sample = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};
const scrape = async () => (await get('/metrics')).text;
const wait = (text: string) => r.cli(['status', '--status', r.statusPath, '--wait', '--for-revision', revisionOf(text), '--timeout', '30s']);

test.before(async () => {
  r = await rig();
  good = await r.write();
  agent = r.startAgent(['--metrics-addr', '127.0.0.1:0']);
  await agent.waitFor(/"message":"metrics listening"/, 20_000);
  const address = /"address":"([^"]+)"/.exec(agent.output().split('\n').find((l) => l.includes('metrics listening'))!)![1]!;
  assert.match(address, /^127\.0\.0\.1:\d+$/, 'the bound address is logged, on loopback');
  base = `http://${address}`;
});
test.after(async () => { await r.cleanup(); });

test('a good file: one success, reload successful, transport info, /readyz 200', async () => {
  const res = await wait(good);
  assert.is(res.code, 0, res.out + res.err + agent.output());
  const text = await scrape();
  assert.is(sample(text, 'mail_agent_reconcile_attempts_total'), 1, text);
  assert.is(sample(text, 'mail_agent_reconcile_successes_total'), 1);
  assert.is(sample(text, 'mail_agent_config_last_reload_successful'), 1);
  assert.ok((sample(text, 'mail_agent_config_last_reload_success_timestamp_seconds') ?? 0) > 1.7e9);
  assert.match(text, /mail_agent_transport_info\{service="ews",endpoint="https:\/\/127\.0\.0\.1:\d+\/EWS\/Exchange\.asmx",auth="ntlm",server_version="Exchange2016",server_build="[^"]*"\} 1/);
  assert.is(sample(text, 'mail_agent_ready'), 1);
  assert.match(text, /# TYPE mail_agent_delivery_duration_seconds histogram/);
  assert.is((await get('/readyz')).code, 200);
  assert.is((await get('/healthz')).code, 200);
  assert.match((await get('/metrics')).type, 'text/plain');
});

test('a bad file: a failure by reason, reload unsuccessful, /readyz 503, /healthz still 200', async () => {
  const res = await wait(await r.write({ extra: 'colour: blue\n' }));
  assert.is(res.code, 1, res.out + res.err);
  const text = await scrape();
  assert.is(sample(text, 'mail_agent_reconcile_attempts_total'), 2, text);
  assert.is(sample(text, 'mail_agent_reconcile_failures_total{reason="SchemaViolation"}'), 1);
  assert.is(sample(text, 'mail_agent_reconcile_successes_total'), 1);
  assert.is(sample(text, 'mail_agent_config_last_reload_successful'), 0);
  assert.is(sample(text, 'mail_agent_ready'), 0);
  const ready = await get('/readyz');
  assert.is(ready.code, 503);
  assert.match(ready.text, 'SchemaViolation');
  assert.is((await get('/healthz')).code, 200);
});

test('a notification: the delivery histogram counts it, the queue drains', async () => {
  const send = await r.cli(['send', '--state-dir', r.stateDir, '--to', 'someone@contoso.test', '--subject', 'metered', '--body', '-']);
  assert.is(send.code, 0, send.out + send.err);
  let last = '';
  const text = await waitForValue(async () => {
    last = await scrape();
    return sample(last, 'mail_agent_delivery_duration_seconds_count{result="delivered"}') === undefined ? undefined : last;
  }, () => `the delivery in the histogram:\n${last}`, 10_000, 100);
  assert.is(sample(text, 'mail_agent_delivery_duration_seconds_count{result="delivered"}'), 1, text);
  assert.is(sample(text, 'mail_agent_queue_depth'), 0);
  assert.is(sample(text, 'mail_agent_notifications{state="delivered"}'), 1);
  assert.is(await r.deliveredWithSubject('metered'), 1);
});

test('certificate checks switched off: status InsecureTransport, a warning on each apply, the metric; all gone once back on', async () => {
  const insecureLines = () => agent.output().split('\n').filter((l) => l.includes('"message":"insecure transport"'));
  assert.is(sample(await scrape(), 'mail_agent_insecure_transport{check="certificates"}'), 0);
  assert.equal(insecureLines(), []);
  const off = await r.write({ caFile: false, ews: '  rejectInvalidCertificates: false\n' });
  const res = await wait(off);
  assert.is(res.code, 0, res.out + res.err + agent.output());
  const doc = await r.untilStatus((d) => d.conditions.some((c) => c.type === 'InsecureTransport'), 'InsecureTransport');
  const condition = doc.conditions.find((c) => c.type === 'InsecureTransport');
  assert.is(condition?.status, 'True');
  assert.is(condition?.observedRevision, revisionOf(off));
  assert.match(condition?.message ?? '', '/ews/rejectInvalidCertificates: server certificates are not verified');
  const printed = await r.cli(['status', '--status', r.statusPath]);
  assert.match(printed.out, /InsecureTransport +True +InsecureTransport: \/ews\/rejectInvalidCertificates: server certificates are not verified/);
  let text = await scrape();
  assert.is(sample(text, 'mail_agent_insecure_transport{check="certificates"}'), 1, text);
  assert.is(sample(text, 'mail_agent_insecure_transport{check="encryption"}'), 0);
  await agent.waitFor('"message":"insecure transport"');
  const [line] = insecureLines().map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal([line?.level, line?.setting, line?.check, line?.revision], ['warn', '/ews/rejectInvalidCertificates', 'certificates', revisionOf(off)]);
  // A comment-only change is applied too (nothing reconnects): the warning is logged again.
  const again = await r.write({ caFile: false, ews: '  rejectInvalidCertificates: false\n', comment: 'still insecure' });
  assert.is((await wait(again)).code, 0);
  await waitFor(() => insecureLines().length >= 2, () => `the warning logged again: ${agent.output()}`);
  assert.is(insecureLines().length, 2, agent.output());
  const back = await r.write();
  assert.is((await wait(back)).code, 0);
  const fixed = await r.untilStatus((d) => d.lastApplied?.revision === revisionOf(back), 'the secure file applied');
  assert.is(fixed.conditions.find((c) => c.type === 'InsecureTransport'), undefined, JSON.stringify(fixed.conditions));
  text = await scrape();
  assert.is(sample(text, 'mail_agent_insecure_transport{check="certificates"}'), 0, text);
  assert.is(insecureLines().length, 2, 'no warning for the secure file');
});

test('attempts that did not deliver are counted by result and code (MessageTooLarge, ServerBusy)', async () => {
  const { AgentMetrics } = await import('../../agent/metrics/prometheus.ts');
  const metrics = new AgentMetrics();
  const entry = { time: '', id: 'i', messageId: 'm', to: [], subject: 's', transport: 't', attempt: 1, durationMs: 5 };
  metrics.delivery({ ...entry, result: 'failed', code: 'MessageTooLarge', serverCode: 'ErrorMessageSizeExceeded', reason: 'the message is 12.3 MB …' });
  metrics.delivery({ ...entry, result: 'retry', code: 'ServerBusy' });
  metrics.delivery({ ...entry, result: 'retry', code: 'ServerBusy' });
  metrics.delivery({ ...entry, result: 'delivered' });
  const text = await metrics.registry.metrics();
  assert.is(sample(text, 'mail_agent_delivery_failures_total{result="failed",code="MessageTooLarge"}'), 1, text);
  assert.is(sample(text, 'mail_agent_delivery_failures_total{result="retry",code="ServerBusy"}'), 2);
  assert.not.match(text, /failures_total\{result="delivered"/);
});

test('unknown paths 404; SIGTERM stops the endpoint with the agent', async () => {
  assert.is((await get('/nope')).code, 404);
  assert.is(await agent.kill('SIGTERM'), 0);
  const after = await fetch(base + '/healthz').then(() => 'answered', () => 'refused');
  assert.is(after, 'refused');
});

test.run();
