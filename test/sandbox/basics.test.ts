import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { basicAuth, createItem, post, samplesDir, soap, tempSandbox, type TestSandbox } from './helpers.ts';

let sb: TestSandbox;
test.before(async () => { sb = await tempSandbox(); });
test.after(async () => { await sb.cleanup(); });

async function deliveries(): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(path.join(sb.dataDir, 'deliveries.jsonl'), 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

test('HTTPS with its own CA written to the data dir', async () => {
  assert.match(sb.url, /^https:\/\/127\.0\.0\.1:\d+\/EWS\/Exchange\.asmx$/);
  assert.is(await readFile(path.join(sb.dataDir, 'ca.pem'), 'utf8'), sb.caPem);
});

test('no credentials: 401 offering Basic and Bearer', async () => {
  const r = await post(sb, soap(createItem('<t:Subject>x</t:Subject>')), {});
  assert.is(r.status, 401);
  const offered = ([] as string[]).concat(r.headers['www-authenticate'] ?? []).join(',');
  assert.match(offered, /Basic realm=/);
  assert.match(offered, /Bearer/);
});

test('a wrong password is refused with 401', async () => {
  const r = await post(sb, soap(createItem('<t:Subject>x</t:Subject>')), { authorization: basicAuth('SANDBOX\\notify', 'nope') });
  assert.is(r.status, 401);
});

test('the captured ews-javascript-api send is delivered and answered with ServerVersionInfo', async () => {
  const r = await post(sb, await readFile(path.join(samplesDir, 'escaped-send.xml'), 'utf8'));
  assert.is(r.status, 200);
  assert.match(r.body, /<h:ServerVersionInfo MajorVersion="15" MinorVersion="1" MajorBuildNumber="2507"/);
  assert.match(r.body, /ResponseClass="Success"/);
  const last = (await deliveries()).at(-1);
  assert.equal(last?.to, ['alice@example.test']);
  assert.is(last?.subject, 'Hello från agent');
  assert.is(last?.disposition, 'SendOnly');
});

for (const sample of ['neg-disposition.xml', 'neg-element.xml', 'neg-order.xml']) {
  test(`${sample} is refused with a schema-validation fault`, async () => {
    const before = (await deliveries()).length;
    const r = await post(sb, await readFile(path.join(samplesDir, sample), 'utf8'));
    assert.is(r.status, 500);
    assert.match(r.body, /<faultcode[^>]*>a:ErrorSchemaValidation<\/faultcode>/);
    assert.is((await deliveries()).length, before);
  });
}

test('unescaped markup in a text element is a schema-validation fault', async () => {
  const r = await post(sb, soap(createItem('<t:Subject>Hi <b>x</b></t:Subject><t:ToRecipients><t:Mailbox><t:EmailAddress>a@b.test</t:EmailAddress></t:Mailbox></t:ToRecipients>')));
  assert.is(r.status, 500);
  assert.match(r.body, /ErrorSchemaValidation/);
});

test('a body that is not well-formed XML is a schema-validation fault, with where', async () => {
  const r = await post(sb, '<a>\n<b>\n</a>');
  assert.is(r.status, 500);
  assert.match(r.body, /ErrorSchemaValidation/);
  assert.match(r.body, /<e:Line[^>]*>3<\/e:Line>/);
});

test('a schema fault points at the offending element', async () => {
  const r = await post(sb, soap(createItem('<t:Subject>x</t:Subject>\n\n<t:Bogus/>')));
  assert.match(r.body, /invalid child element &apos;Bogus&apos;/);
  assert.match(r.body, /<e:Line[^>]*>3<\/e:Line>/);
});

test('GetFolder answers for the distinguished folders', async () => {
  const r = await post(sb, soap('<m:GetFolder><m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="sentitems"/><t:DistinguishedFolderId Id="inbox"/></m:FolderIds></m:GetFolder>'));
  assert.is(r.status, 200);
  assert.match(r.body, /<t:DisplayName>Sent Items<\/t:DisplayName>/);
  assert.match(r.body, /<t:DisplayName>Inbox<\/t:DisplayName>/);
});

test.run();
