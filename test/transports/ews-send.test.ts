// Sending: MimeContent keeps hostile text out of the XML, Bcc survives, saveCopy chooses the disposition,
// and NTLM authenticates a connection once and reuses it for many sends.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { createTransport } from '../../agent/transports/index.ts';
import type { EwsTransport } from '../../agent/transports/ews/transport.ts';
import { ewsConfig } from './helpers/config.ts';
import { outgoing } from './helpers/mime.ts';
import { lookupFor, startForwarder, type Forwarder } from './helpers/routing.ts';
import { account, startTestSandbox, type TestSandbox } from './helpers/sandbox.ts';
import { validateEnvelopes } from '../helpers/ews-schema.ts';
import { waitFor } from '../helpers/wait.ts';

let sandbox: TestSandbox;
let forwarder: Forwarder;
const captured: string[] = [];
const host = 'mail.contoso.test';

test.before(async () => {
  sandbox = await startTestSandbox({ hostnames: [host] });
  forwarder = await startForwarder(sandbox.port);
});
test.after(async () => {
  await forwarder.close();
  await sandbox.cleanup();
});

async function open(saveCopy = true): Promise<EwsTransport> {
  const config = ewsConfig({ url: `https://${host}/EWS/Exchange.asmx`, auth: 'ntlm', username: account.username, caFile: sandbox.caPath, saveCopy }, { password: account.password });
  return await createTransport(config, { timeoutMs: 5000, lookup: lookupFor([host], forwarder.address), onRequest: (b) => captured.push(b) }) as EwsTransport;
}

test('a subject that looks like EWS XML reaches only the given recipient, intact', async () => {
  const transport = await open();
  try {
    const subject = '</t:Subject><t:ToRecipients><t:Mailbox><t:EmailAddress>evil@attacker.test</t:EmailAddress></t:Mailbox></t:ToRecipients><t:Subject>x & <b>';
    const message = await outgoing({ from: account.email, to: ['ops@contoso.test'], subject, text: 'body </t:Message> &amp;' });
    await transport.send(message);
    const delivered = (await sandbox.deliveries()).filter((d) => d.messageId === message.messageId);
    assert.is(delivered.length, 1);
    assert.equal(delivered[0]?.to, ['ops@contoso.test']);
    assert.equal([delivered[0]?.cc, delivered[0]?.bcc], [[], []]);
    assert.ok(!delivered[0]?.files.some((f) => f.includes('attacker')));
    const file = delivered[0]?.files[0] ?? '';
    const parsed = await simpleParser(await readFile(path.isAbsolute(file) ? file : path.join(sandbox.dataDir, file)));
    assert.is(parsed.subject, subject);
    assert.is(parsed.text?.trim(), 'body </t:Message> &amp;');
  } finally {
    await transport.close();
  }
});

test('Bcc recipients receive the message without appearing in its headers; the MIME\'s To still get it', async () => {
  const transport = await open();
  try {
    const message = await outgoing({ from: account.email, to: ['ops@contoso.test'], bcc: ['audit@contoso.test'], subject: 'with bcc', text: 'x' });
    await transport.send(message);
    const delivered = (await sandbox.deliveries()).find((d) => d.messageId === message.messageId);
    assert.equal(delivered?.bcc, ['audit@contoso.test']);
    assert.equal(delivered?.to, ['ops@contoso.test'], 'the MIME\'s To still counts beside BccRecipients');
    assert.ok(delivered?.files.some((f) => f.includes('ops@contoso.test')), 'the To recipient got a copy too');
    const auditCopy = delivered?.files.find((f) => f.includes('audit@contoso.test'));
    assert.ok(auditCopy, 'the Bcc recipient got a copy');
    const eml = await readFile(path.isAbsolute(auditCopy) ? auditCopy : path.join(sandbox.dataDir, auditCopy), 'utf8');
    assert.not.match(eml, /^Bcc:/im);
  } finally {
    await transport.close();
  }
});

test('saveCopy false sends SendOnly and keeps no copy in Sent Items', async () => {
  const transport = await open(false);
  try {
    const message = await outgoing({ from: account.email, to: ['ops@contoso.test'], subject: 'no copy', text: 'x' });
    await transport.send(message);
    assert.ok(captured.some((body) => body.includes('MessageDisposition="SendOnly"')));
    assert.is(await transport.wasSent(message.messageId), false);
  } finally {
    await transport.close();
  }
});

test('NTLM: one handshake per connection, reused for many sends', async () => {
  const transport = await open();
  const before = forwarder.connections;
  try {
    await transport.verify();
    for (let i = 0; i < 20; i += 1) {
      await transport.send(await outgoing({ from: account.email, to: ['ops@contoso.test'], subject: `reuse ${i}`, text: 'x' }));
    }
    const parallel = await Promise.all([0, 1, 2, 3, 4, 5].map(async (i) =>
      transport.send(await outgoing({ from: account.email, to: ['ops@contoso.test'], subject: `parallel ${i}`, text: 'x' }))));
    assert.is(parallel.length, 6);
    const stats = transport.connectionStats();
    assert.ok(stats.socketsOpened <= 2, `sockets opened: ${stats.socketsOpened}`);
    assert.is(stats.ntlmHandshakes, stats.socketsOpened);
    assert.is(forwarder.connections - before, stats.socketsOpened, 'the network saw the same connections');
    assert.ok(forwarder.open > 0, 'connections are kept alive between sends');
  } finally {
    await transport.close();
  }
  await waitFor(() => forwarder.open === 0, () => `close() to end every connection (${forwarder.open} open)`);
});

test('every request sent validates against the EWS schema', async () => {
  await validateEnvelopes(captured);
});

test.run();
