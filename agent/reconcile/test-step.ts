// The reconcile step that proves a new transport: one test message per test digest (the settings without
// the credentials' values), through the candidate transport before it goes live. A change of credentials
// alone (a rotated secret or certificate) was proven by verify — a new token, a new sign-in — and sends none.
import type { LoadedConfig } from '../config/settings.ts';
import type { Transport, TransportInfo } from '../transports/transport.ts';
import { buildTestMessage, type TestMessageContext } from './test-message.ts';
import type { TestMessageRegistry } from './test-registry.ts';

export interface TestStepResult {
  reason: 'Delivered' | 'AlreadyDelivered' | 'CredentialsChanged' | 'NotConfigured' | 'NotRequested';
  message: string;
  sent?: { to: string; sentAt: string; messageId: string };
  /** The registry's record of the delivered message, still being written: the caller awaits it with its own writes. */
  recorded?: Promise<void>;
}

export async function testStep(candidate: Transport, config: LoadedConfig, info: TransportInfo,
  registry: TestMessageRegistry, ctx: TestMessageContext, signal?: AbortSignal): Promise<TestStepResult> {
  const { to, onChange } = config.settings.test;
  if (to === undefined) return { reason: 'NotConfigured', message: 'no test.to: no test message is sent' };
  if (!onChange) return { reason: 'NotRequested', message: 'test.onChange is false' };
  const digest = config.testDigest ?? config.settingsDigest;
  const prior = registry.get(digest);
  if (prior?.sentAt && prior.settingsDigest !== undefined && prior.settingsDigest !== config.settingsDigest) {
    await registry.put(digest, { ...prior, settingsDigest: config.settingsDigest });
    return { reason: 'CredentialsChanged', message: `only credentials changed: verified again; the test message for these settings was delivered at ${prior.sentAt}` };
  }
  if (prior?.sentAt) return { reason: 'AlreadyDelivered', message: `the test message for these settings was delivered at ${prior.sentAt}` };
  if (prior && (await candidate.wasSent?.(prior.messageId, signal)) === true) {
    // Sent before a crash, recorded only as pending: the server has it, do not send again.
    await registry.put(digest, { ...prior, sentAt: ctx.now.toISOString() });
    return { reason: 'AlreadyDelivered', message: 'the test message sent before a restart is in Sent Items' };
  }
  const message = await buildTestMessage(config, info, ctx);
  await registry.put(digest, { to, messageId: message.messageId, settingsDigest: config.settingsDigest });
  await candidate.send(message, signal);
  const sent = { to, sentAt: new Date().toISOString(), messageId: message.messageId };
  const recorded = registry.put(digest, { ...sent, settingsDigest: config.settingsDigest });
  return { reason: 'Delivered', message: `test message ${message.messageId} delivered to the server`, sent, recorded };
}
