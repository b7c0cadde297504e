// Delivery-time trouble on TransportReady (agent/status/delivery-health.ts), and its metric. Runs everywhere;
// test/mapi/e2e-outlook.test.ts shows the same through the real agent under Wine.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Ajv2020 } from 'ajv/dist/2020.js';
import schema from '../../schemas/status.schema.json' with { type: 'json' };
import { AgentMetrics } from '../../agent/metrics/prometheus.ts';
import type { NotificationLogEntry } from '../../agent/notifications-log/entry.ts';
import { deliveryOutcome, isDeliveryTrouble } from '../../agent/status/delivery-health.ts';
import { initialStatus } from '../../agent/status/initial.ts';
import { findCondition } from '../../agent/status/model.ts';
import { applied } from '../../agent/status/transitions.ts';

const ajv = new Ajv2020({ allErrors: true, strict: true });
ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
const validate = ajv.compile(schema);
const rev = 'sha256:' + 'a'.repeat(64);

function entry(result: NotificationLogEntry['result'], code?: string, reason?: string): NotificationLogEntry {
  return {
    time: '2026-01-01T00:00:00.000Z', id: 'n1', messageId: '<n1@x>', to: ['a@x.test'], subject: 's', transport: 'mapi Outlook',
    result, attempt: 1, durationMs: 5, ...(code ? { code } : {}), ...(reason ? { reason } : {}),
  };
}

function liveDoc() {
  const doc = initialStatus('/etc/mail-agent/mail-settings.yaml', new Date('2026-01-01T00:00:00Z'));
  applied(doc, {
    revision: rev, settingsDigest: rev, unchanged: false, at: '2026-01-01T00:00:00.000Z', durationMs: 1,
    transport: { service: 'mapi', endpoint: 'Outlook', client: 'Microsoft Outlook, 64-bit', helper: 'mapi-helper 0.2.0, 64-bit', store: 'cached' },
  });
  return doc;
}

test('AuthExpired / StuckInOutbox from a delivery: TransportReady False with the reason; Ready untouched; valid document', () => {
  const doc = liveDoc();
  assert.ok(deliveryOutcome(doc, entry('retry', 'StuckInOutbox', 'still in the Outbox'), '2026-01-01T00:01:00.000Z'));
  const c = findCondition(doc, 'TransportReady');
  assert.equal([c?.status, c?.reason, c?.message, c?.observedRevision], ['False', 'StuckInOutbox', 'still in the Outbox', rev]);
  assert.is(findCondition(doc, 'Ready')?.status, 'True');
  assert.ok(validate(JSON.parse(JSON.stringify(doc))), JSON.stringify(validate.errors));
  assert.not.ok(deliveryOutcome(doc, entry('retry', 'StuckInOutbox', 'still in the Outbox'), 't'), 'the same again: no change');
  assert.ok(deliveryOutcome(doc, entry('retry', 'AuthExpired', 'sign in again'), 't'));
  assert.is(findCondition(doc, 'TransportReady')?.reason, 'AuthExpired');
});

test('other failures leave TransportReady alone; the next delivery sets it back to True (Delivering)', () => {
  const doc = liveDoc();
  assert.not.ok(deliveryOutcome(doc, entry('retry', 'ServerBusy', 'busy'), 't'));
  assert.not.ok(deliveryOutcome(doc, entry('failed', 'RecipientRejected', 'no such mailbox'), 't'));
  assert.not.ok(isDeliveryTrouble(entry('retry', 'ServerBusy')));
  assert.not.ok(deliveryOutcome(doc, entry('delivered'), 't'), 'nothing to clear');
  deliveryOutcome(doc, entry('retry', 'AuthExpired', 'sign in again'), 't');
  assert.ok(deliveryOutcome(doc, entry('delivered'), 't2'));
  const c = findCondition(doc, 'TransportReady');
  assert.equal([c?.status, c?.reason, c?.lastTransitionTime], ['True', 'Delivering', 't2']);
});

test('metrics: mail_agent_delivery_failures_total counts attempts that did not deliver, by result and code', async () => {
  const metrics = new AgentMetrics();
  metrics.delivery(entry('retry', 'StuckInOutbox'));
  metrics.delivery(entry('retry', 'StuckInOutbox'));
  metrics.delivery(entry('failed', 'RecipientRejected'));
  metrics.delivery(entry('delivered'));
  const text = await metrics.registry.metrics();
  assert.match(text, 'mail_agent_delivery_failures_total{result="retry",code="StuckInOutbox"} 2');
  assert.match(text, 'mail_agent_delivery_failures_total{result="failed",code="RecipientRejected"} 1');
  assert.not.match(text, /mail_agent_delivery_failures_total\{result="delivered"/);
});

test.run();
