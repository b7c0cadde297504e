// The EWS operations over raw SOAP: the answers' content, Exchange's errors, and every answer validated
// against Microsoft's schema at the end.
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleParser, type AddressObject } from 'mailparser';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { basicAuth, createItem, post, soap, tempSandbox, type TestSandbox } from './helpers.ts';
import { validateEnvelopes } from '../helpers/ews-schema.ts';

const USERS = `users:
  - username: 'CONTOSO\\svc-notify'
    password: 'p&ss<word>'
    email: svc-notify@contoso.test
    sendAs: [helpdesk@contoso.test]
    sendOnBehalf: [Boss@Contoso.test]
  - username: other@contoso.test
    password: other
    email: other@contoso.test
tokens:
  - token: opaque-token-1
    email: svc-notify@contoso.test
`;
const AUTH = basicAuth('CONTOSO\\svc-notify', 'p&ss<word>');
const to = (addr: string): string => `<t:ToRecipients><t:Mailbox><t:EmailAddress>${addr}</t:EmailAddress></t:Mailbox></t:ToRecipients>`;

let sb: TestSandbox;
let usersDir: string;
const valid: string[] = [];
const faults: string[] = [];

test.before(async () => {
  usersDir = await mkdtemp(path.join(tmpdir(), 'sandbox-users-'));
  await writeFile(path.join(usersDir, 'users.yaml'), USERS);
  sb = await tempSandbox({
    usersFile: path.join(usersDir, 'users.yaml'),
    tap: (x) => (x.status === 200 ? valid : faults).push(x.response),
  });
});
test.after(async () => {
  await sb.cleanup();
  await rm(usersDir, { recursive: true, force: true });
});

const call = (body: string, version?: string): ReturnType<typeof post> => post(sb, soap(body, version), { authorization: AUTH });

async function lastDelivery(): Promise<{ record: Record<string, unknown>; raw: Buffer }> {
  const lines = (await readFile(path.join(sb.dataDir, 'deliveries.jsonl'), 'utf8')).trim().split('\n');
  const record = JSON.parse(lines.at(-1) ?? '{}') as { files: string[] } & Record<string, unknown>;
  return { record, raw: await readFile(path.join(sb.dataDir, record.files[0] ?? '')) };
}

test('users file: the account, its password with markup in it, a UPN account and a token work', async () => {
  assert.is((await call(createItem(`<t:Subject>a</t:Subject>${to('x@example.test')}`))).status, 200);
  const other = await post(sb, soap(createItem(`<t:Subject>b</t:Subject>${to('x@example.test')}`)), { authorization: basicAuth('other@contoso.test', 'other') });
  assert.is(other.status, 200);
  const bearer = await post(sb, soap(createItem(`<t:Subject>c</t:Subject>${to('x@example.test')}`)), { authorization: 'Bearer opaque-token-1' });
  assert.is(bearer.status, 200);
  const unknown = await post(sb, soap(createItem(`<t:Subject>d</t:Subject>${to('x@example.test')}`)), { authorization: 'Bearer nope' });
  assert.is(unknown.status, 401);
  // the default account does not exist when a users file is given
  assert.is((await post(sb, soap(createItem('<t:Subject>e</t:Subject>')), { authorization: basicAuth('SANDBOX\\notify', 'sandbox') })).status, 401);
});

test('Cc and Bcc are delivered; Bcc is not in the delivered MIME', async () => {
  await call(createItem(`<t:Subject>copies</t:Subject>${to('a@example.test')}<t:CcRecipients><t:Mailbox><t:EmailAddress>c@example.test</t:EmailAddress></t:Mailbox></t:CcRecipients><t:BccRecipients><t:Mailbox><t:EmailAddress>hidden@example.test</t:EmailAddress></t:Mailbox></t:BccRecipients>`));
  const { record, raw } = await lastDelivery();
  assert.equal(record.bcc, ['hidden@example.test']);
  assert.equal((record.files as string[]).map((f) => f.split('/')[1]), ['a@example.test', 'c@example.test', 'hidden@example.test']);
  assert.not.match(raw.toString('utf8'), /hidden@example\.test/);
});

test('MimeContent sent on behalf: From stays the owner, the server stamps Sender; the charset is kept', async () => {
  const mime = 'From: Boss <boss@contoso.test>\r\nTo: ops@example.test\r\nSubject: =?UTF-8?B?w6TDtsO8?=\r\nBcc: secret@example.test\r\n' +
    'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=windows-1252\r\nContent-Transfer-Encoding: 8bit\r\n\r\n';
  const body = Buffer.concat([Buffer.from(mime, 'latin1'), Buffer.from([0x80, 0x20, 0xe9, 0x0d, 0x0a])]); // "€ é" in windows-1252
  const r = await call(createItem(`<t:MimeContent CharacterSet="UTF-8">${body.toString('base64')}</t:MimeContent>`));
  assert.match(r.body, /NoError/);
  const { record, raw } = await lastDelivery();
  assert.is(record.from, 'boss@contoso.test');
  assert.is(record.sender, 'svc-notify@contoso.test');
  assert.is(record.subject, 'äöü');
  assert.equal(record.bcc, ['secret@example.test']);
  const mail = await simpleParser(raw);
  assert.equal((mail.from as AddressObject).value.map((v) => v.address), ['boss@contoso.test']);
  assert.equal((mail.headers.get('sender') as AddressObject).value.map((v) => v.address), ['svc-notify@contoso.test']);
  assert.is(mail.text?.trim(), '€ é');
  assert.is(mail.headers.get('bcc'), undefined);
  assert.ok(mail.messageId, 'a Message-ID was added');
});

test('SendAsDenied: HTTP 200, ResponseClass Error, nothing delivered', async () => {
  const before = (await readFile(path.join(sb.dataDir, 'deliveries.jsonl'), 'utf8')).length;
  const r = await call(createItem(`<t:Subject>x</t:Subject>${to('a@example.test')}<t:From><t:Mailbox><t:EmailAddress>ceo@contoso.test</t:EmailAddress></t:Mailbox></t:From>`));
  assert.is(r.status, 200);
  assert.match(r.body, /ResponseClass="Error"/);
  assert.match(r.body, /<m:ResponseCode>ErrorSendAsDenied<\/m:ResponseCode>/);
  assert.is((await readFile(path.join(sb.dataDir, 'deliveries.jsonl'), 'utf8')).length, before);
});

test('SaveOnly returns an ItemId; SendItem sends it once; FindItem finds the saved copy, text escaped', async () => {
  const saved = await call(createItem(`<t:Subject>R&amp;D &lt;report&gt;</t:Subject>${to('rd@example.test')}`, 'SaveOnly'));
  const id = /<t:ItemId Id="([^"]+)"/.exec(saved.body)?.[1];
  assert.ok(id, 'an ItemId');
  const sendItem = (save: boolean): string => `<m:SendItem SaveItemToFolder="${save}"><m:ItemIds><t:ItemId Id="${id}"/></m:ItemIds>${save ? '<m:SavedItemFolderId><t:DistinguishedFolderId Id="sentitems"/></m:SavedItemFolderId>' : ''}</m:SendItem>`;
  assert.match((await call(sendItem(true))).body, /NoError/);
  const { record } = await lastDelivery();
  assert.is(record.subject, 'R&D <report>');
  assert.match((await call(sendItem(false))).body, /ErrorItemNotFound/);
  const find = await call(`<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="item:Subject"/></t:AdditionalProperties></m:ItemShape><m:Restriction><t:IsEqualTo><t:FieldURI FieldURI="message:InternetMessageId"/><t:FieldURIOrConstant><t:Constant Value="${String(record.messageId).replace(/</g, '&lt;').replace(/>/g, '&gt;')}"/></t:FieldURIOrConstant></t:IsEqualTo></m:Restriction><m:ParentFolderIds><t:DistinguishedFolderId Id="sentitems"/></m:ParentFolderIds></m:FindItem>`);
  assert.match(find.body, /TotalItemsInView="1"/);
  assert.match(find.body, /<t:Subject>R&amp;D &lt;report&gt;<\/t:Subject>/);
});

test('CreateAttachment adds to a draft, which SendItem then delivers with it; ConvertId converts its id', async () => {
  const saved = await call(createItem(`<t:Subject>draft</t:Subject>${to('files@example.test')}`, 'SaveOnly'));
  const id = /<t:ItemId Id="([^"]+)"/.exec(saved.body)?.[1] ?? '';
  const attach = await call(`<m:CreateAttachment><m:ParentItemId Id="${id}"/><m:Attachments><t:FileAttachment><t:Name>a&amp;b.txt</t:Name><t:Content>${Buffer.from('attached').toString('base64')}</t:Content></t:FileAttachment></m:Attachments></m:CreateAttachment>`);
  assert.match(attach.body, /<t:AttachmentId Id="[^"]+" RootItemId="[^"]+" RootItemChangeKey="[^"]+"\/>/);
  const converted = await call(`<m:ConvertId DestinationFormat="EwsId"><m:SourceIds><t:AlternateId Format="EwsId" Id="${id}" Mailbox="svc-notify@contoso.test"/></m:SourceIds></m:ConvertId>`);
  assert.match(converted.body, new RegExp(`<m:AlternateId [^>]*Id="${id}"`));
  assert.match((await call(`<m:SendItem SaveItemToFolder="false"><m:ItemIds><t:ItemId Id="${id}"/></m:ItemIds></m:SendItem>`)).body, /NoError/);
  const mail = await simpleParser((await lastDelivery()).raw);
  assert.equal(mail.attachments.map((a) => [a.filename, a.content.toString('utf8')]), [['a&b.txt', 'attached']]);
});

test('GetFolder: every default folder; one a mailbox here lacks is ErrorFolderNotFound, an id never handed out ErrorInvalidIdMalformed', async () => {
  const names = ['root', 'msgfolderroot', 'inbox', 'sentitems', 'outbox', 'drafts', 'deleteditems', 'junkemail', 'calendar', 'contacts', 'tasks', 'notes', 'journal'];
  const ids = names.map((id) => `<t:DistinguishedFolderId Id="${id}"/>`).join('');
  const r = await call(`<m:GetFolder><m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape><m:FolderIds>${ids}<t:DistinguishedFolderId Id="archiveinbox"/><t:FolderId Id="bm9wZQ=="/></m:FolderIds></m:GetFolder>`);
  assert.is(r.body.match(/ResponseClass="Success"/g)?.length, names.length);
  assert.match(r.body, /<t:CalendarFolder><t:FolderId [^>]+\/><t:DisplayName>Calendar<\/t:DisplayName>/);
  assert.match(r.body, /ErrorFolderNotFound<\/m:ResponseCode><m:DescriptiveLinkKey>0<\/m:DescriptiveLinkKey><m:Folders\/>/);
  assert.match(r.body, /ErrorInvalidIdMalformed<\/m:ResponseCode><m:DescriptiveLinkKey>0<\/m:DescriptiveLinkKey><m:Folders\/>/);
});

test('ResolveNames: by address, smtp: prefix or user name; unknown names resolve to nothing', async () => {
  for (const entry of ['svc-notify@contoso.test', 'smtp:svc-notify@contoso.test', 'svc-notify']) {
    const r = await call(`<m:ResolveNames ReturnFullContactData="false"><m:UnresolvedEntry>${entry}</m:UnresolvedEntry></m:ResolveNames>`);
    assert.match(r.body, /<t:EmailAddress>svc-notify@contoso.test<\/t:EmailAddress>/, entry);
  }
  const none = await call('<m:ResolveNames ReturnFullContactData="false"><m:UnresolvedEntry>&lt;nobody&gt;</m:UnresolvedEntry></m:ResolveNames>');
  assert.match(none.body, /ErrorNameResolutionNoResults/);
});

test('ConvertId: an unknown id is ErrorInvalidIdMalformed (exchangelib\'s version probe)', async () => {
  const r = await call('<m:ConvertId DestinationFormat="EntryId"><m:SourceIds><t:AlternateId Format="EwsId" Id="DUMMY" Mailbox="DUMMY"/></m:SourceIds></m:ConvertId>', 'Exchange2016');
  assert.is(r.status, 200);
  assert.match(r.body, /ErrorInvalidIdMalformed/);
});

test('RequestServerVersion newer than the server, or unknown: HTTP 500 ErrorInvalidServerVersion', async () => {
  for (const version of ['Exchange2019', 'Exchange2099', 'V2099_01_01']) {
    const r = await call('<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="inbox"/></m:FolderIds></m:GetFolder>', version);
    assert.is(r.status, 500, version);
    assert.match(r.body, /ErrorInvalidServerVersion/);
  }
  const ok = await call('<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="inbox"/></m:FolderIds></m:GetFolder>', 'V2017_07_11');
  assert.is(ok.status, 200);
});

test('an unknown operation is HTTP 500 ErrorInvalidRequest, its name escaped', async () => {
  const r = await call('<m:FrobnicateItem/>');
  assert.is(r.status, 500);
  assert.match(r.body, /<e:ResponseCode xmlns:e="[^"]+">ErrorInvalidRequest<\/e:ResponseCode>/);
});

test('Autodiscover SOAP: EWS URLs for a known mailbox, InvalidUser for an unknown one', async () => {
  const origin = sb.origin;
  const body = (mailbox: string): string => '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:a="http://schemas.microsoft.com/exchange/2010/Autodiscover"><soap:Header><a:RequestedServerVersion>Exchange2013</a:RequestedServerVersion></soap:Header>' +
    `<soap:Body><a:GetUserSettingsRequestMessage><a:Request><a:Users><a:User><a:Mailbox>${mailbox}</a:Mailbox></a:User></a:Users><a:RequestedSettings><a:Setting>InternalEwsUrl</a:Setting><a:Setting>ExternalEwsUrl</a:Setting></a:RequestedSettings></a:Request></a:GetUserSettingsRequestMessage></soap:Body></soap:Envelope>`;
  const known = await post(sb, body('svc-notify@contoso.test'), { authorization: AUTH }, `${origin}/autodiscover/autodiscover.svc`);
  assert.is(known.status, 200);
  assert.match(known.body, new RegExp(`<Name>ExternalEwsUrl</Name><Value>${sb.url.replace(/[.]/g, '\\.')}</Value>`));
  const unknown = await post(sb, body('ghost@contoso.test'), { authorization: AUTH }, `${origin}/autodiscover/autodiscover.svc`);
  assert.match(unknown.body, /<ErrorCode>InvalidUser<\/ErrorCode>/);
  const anonymous = await post(sb, body('svc-notify@contoso.test'), {}, `${origin}/autodiscover/autodiscover.svc`);
  assert.is(anonymous.status, 401);
});

test('Autodiscover POX: X-SOAP-Enabled even on the 401, EwsUrl for a known address, error 500 otherwise', async () => {
  const url = `${sb.origin}/autodiscover/autodiscover.xml`;
  const probe = await post(sb, '', {}, url, 'GET');
  assert.is(probe.status, 401);
  assert.is(probe.headers['x-soap-enabled'], 'True');
  const request = (email: string): string => '<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request>' +
    `<EMailAddress>${email}</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>`;
  const known = await post(sb, request('svc-notify@contoso.test'), { authorization: AUTH }, url);
  assert.match(known.body, new RegExp(`<EwsUrl>${sb.url.replace(/[.]/g, '\\.')}</EwsUrl>`));
  const unknown = await post(sb, request('ghost@contoso.test'), { authorization: AUTH }, url);
  assert.match(unknown.body, /<ErrorCode>500<\/ErrorCode>/);
});

test('every 200 answer above validates against the EWS schema; every fault is a SOAP fault with a ResponseCode', async () => {
  assert.ok(valid.length >= 15, `answers: ${valid.length}`);
  await validateEnvelopes(valid);
  // The shared minimal envelope schema has no s:Fault, so faults are checked by shape.
  assert.ok(faults.length >= 4);
  for (const f of faults) assert.match(f, /^<\?xml[^>]+\?><s:Envelope [^>]+><s:Body><s:Fault><faultcode[^>]*>a:Error\w+<\/faultcode>.*<e:ResponseCode[^>]*>Error\w+<\/e:ResponseCode>/);
});

test.run();
