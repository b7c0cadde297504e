// Sends that queue up while the connections are busy go together in one CreateItem: each caller still
// gets its own outcome (a refused From fails only its own message), the requests validate against
// Microsoft's schema, and the sandbox receives every message once.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createTransport } from '../../agent/transports/index.ts';
import type { EwsTransport } from '../../agent/transports/ews/transport.ts';
import { AgentError } from '../../agent/errors.ts';
import { ewsConfig } from './helpers/config.ts';
import { outgoing } from './helpers/mime.ts';
import { account, startTestSandbox, type TestSandbox } from './helpers/sandbox.ts';
import { validateEnvelopes } from '../helpers/ews-schema.ts';

let sandbox: TestSandbox;
const captured: string[] = [];

test.before(async () => { sandbox = await startTestSandbox(); });
test.after(async () => { await sandbox.cleanup(); });

test('30 concurrent sends: fewer CreateItems than messages, each delivered once, a denied From fails alone', async () => {
  const config = ewsConfig({ url: sandbox.url, auth: 'ntlm', username: account.username, caFile: sandbox.caPath, version: 'Exchange2016' }, { password: account.password });
  const transport = await createTransport(config, { timeoutMs: 10_000, onRequest: (b) => captured.push(b) }) as EwsTransport;
  try {
    await transport.verify();
    captured.length = 0;
    const messages = await Promise.all(Array.from({ length: 30 }, (_, i) => outgoing({
      from: i === 17 ? 'stranger@contoso.test' : account.email, to: ['ops@contoso.test'], subject: `batched ${i}`, text: `n ${i}`,
    })));
    const results = await Promise.allSettled(messages.map((m) => transport.send(m)));
    const rejected = results.flatMap((r, i) => (r.status === 'rejected' ? [{ i, reason: r.reason as unknown }] : []));
    assert.is(rejected.length, 1);
    assert.is(rejected[0]?.i, 17);
    const reason = rejected[0]?.reason;
    assert.ok(reason instanceof AgentError);
    assert.is(reason.serverCode, 'ErrorSendAsDenied');
    const creates = captured.filter((b) => b.includes('CreateItem'));
    assert.ok(creates.length < 30, `${creates.length} CreateItem requests`);
    assert.ok(creates.some((b) => (b.match(/<t:MimeContent/g) ?? []).length > 1), 'some request carried several messages');
    const delivered = (await sandbox.deliveries()).filter((d) => d.subject.startsWith('batched '));
    assert.is(delivered.length, 29);
    assert.is(new Set(delivered.map((d) => d.messageId)).size, 29);
    await validateEnvelopes(captured);
  } finally {
    await transport.close();
  }
});

test.run();
