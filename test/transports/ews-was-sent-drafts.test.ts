// #13: wasSent looks where a just-sent message can be, Drafts included (a client that saves before sending
// puts it there first). A draft carrying our Message-ID is saved in Drafts on the sandbox by a raw CreateItem
// SaveOnly (as another client would, not by our transport); the EWS transport's wasSent then finds it, and
// answers false for a Message-ID nothing holds.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createTransport } from '../../agent/transports/index.ts';
import type { EwsTransport } from '../../agent/transports/ews/transport.ts';
import { basicAuth, createItem, post, soap } from '../sandbox/helpers.ts';
import { ewsConfig } from './helpers/config.ts';
import { account, startTestSandbox, type TestSandbox } from './helpers/sandbox.ts';

let sandbox: TestSandbox;
let transport: EwsTransport;

test.before(async () => {
  sandbox = await startTestSandbox();
  const config = ewsConfig({ url: sandbox.url, auth: 'basic', username: account.username, caFile: sandbox.caPath }, { password: account.password });
  transport = await createTransport(config, { timeoutMs: 5000 }) as EwsTransport;
});
test.after(async () => {
  await transport.close();
  await sandbox.cleanup();
});

test('wasSent: true for a Message-ID saved as a draft in Drafts (never sent), false for one nothing holds', async () => {
  const messageId = `<drafted.${Date.now()}@contoso.test>`;
  const xmlId = messageId.replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const saved = await post(sandbox, soap(createItem(
    `<t:Subject>saved first</t:Subject><t:ToRecipients><t:Mailbox><t:EmailAddress>ops@contoso.test</t:EmailAddress></t:Mailbox></t:ToRecipients><t:InternetMessageId>${xmlId}</t:InternetMessageId>`,
    'SaveOnly', '<m:SavedItemFolderId><t:DistinguishedFolderId Id="drafts"/></m:SavedItemFolderId>',
  )), { authorization: basicAuth(account.username, account.password) });
  assert.is(saved.status, 200, saved.body);
  assert.match(saved.body, /ResponseClass="Success"[\s\S]*<t:ItemId Id="/, 'the sandbox saved the draft');
  assert.equal(await sandbox.deliveries(), [], 'a draft is not sent: it is only in Drafts');

  assert.is(await transport.wasSent(messageId), true, 'found in Drafts');
  assert.is(await transport.wasSent(`<unknown.${Date.now()}@contoso.test>`), false, 'an unknown Message-ID is in none of Outbox, Sent Items, Drafts');
});

test('a draft saved as MimeContent keeps the MIME\'s Message-ID (Exchange takes it from the headers): wasSent finds it', async () => {
  const messageId = `<mime-draft.${Date.now()}@contoso.test>`;
  const mime = Buffer.from(`From: ${account.email}\r\nTo: ops@contoso.test\r\nSubject: saved as MIME\r\nMessage-ID: ${messageId}\r\n` +
    'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nbody\r\n').toString('base64');
  const saved = await post(sandbox, soap(createItem(`<t:MimeContent CharacterSet="UTF-8">${mime}</t:MimeContent>`,
    'SaveOnly', '<m:SavedItemFolderId><t:DistinguishedFolderId Id="drafts"/></m:SavedItemFolderId>',
  )), { authorization: basicAuth(account.username, account.password) });
  assert.is(saved.status, 200, saved.body);
  assert.match(saved.body, /ResponseClass="Success"/, saved.body);
  assert.is(await transport.wasSent(messageId), true, 'found in Drafts by the MIME\'s Message-ID');
});

test.run();
