// The operations audit (docs/sandbox.md, "Operations audit"): each supported EWS operation against its
// reference page in Microsoft's EWS documentation, for every kind of id the sandbox hands out (folder ids
// and item ids), the optional elements and attributes a real client may send, with Basic and NTLM alike.
// Each test is one difference the audit found, now answered as Microsoft documents it.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HttpClient } from '../../agent/http/client.ts';
import { trustContext } from '../../agent/transports/tls.ts';
import { createItem, soap, tempSandbox, type TestSandbox } from './helpers.ts';
import { validateEnvelopes } from '../helpers/ews-schema.ts';

const USERS = `users:
  - username: 'CONTOSO\\svc-notify'
    password: 'Audit-Passw0rd!'
    email: svc-notify@contoso.test
    aliases: [notify-alias@contoso.test]
  - username: 'CONTOSO\\svc-backup'
    password: 'Audit-Passw0rd!'
    email: svc-backup@contoso.test
  - username: 'CONTOSO\\other'
    password: 'Audit-Passw0rd!'
    email: other@contoso.test
`;

let sb: TestSandbox;
let usersDir: string;
const clients = new Map<string, HttpClient>();
const answered: string[] = [];

test.before(async () => {
  usersDir = await mkdtemp(path.join(tmpdir(), 'sandbox-audit-'));
  await writeFile(path.join(usersDir, 'users.yaml'), USERS);
  sb = await tempSandbox({ usersFile: path.join(usersDir, 'users.yaml'), tap: (x) => { if (x.status === 200) answered.push(x.response); } });
  const secureContext = await trustContext(sb.caPath);
  const as = (kind: 'basic' | 'ntlm', user: string): HttpClient => new HttpClient({
    auth: kind === 'basic' ? { kind, username: `CONTOSO\\${user}`, password: 'Audit-Passw0rd!' } : { kind, domain: 'CONTOSO', username: user, password: 'Audit-Passw0rd!' },
    rejectUnauthorized: true, secureContext,
  });
  for (const kind of ['basic', 'ntlm'] as const) {
    clients.set(kind, as(kind, 'svc-notify'));
    clients.set(`${kind}:other`, as(kind, 'other'));
  }
});
test.after(async () => {
  for (const c of clients.values()) c.close();
  await sb.cleanup();
  await rm(usersDir, { recursive: true, force: true });
});

async function call(who: string, body: string): Promise<{ status: number; body: string }> {
  const client = clients.get(who);
  if (!client) throw new Error(`no client ${who}`);
  const r = await client.request({ method: 'POST', url: new URL(sb.url), headers: { 'Content-Type': 'text/xml; charset=utf-8' }, body: Buffer.from(soap(body, 'Exchange2016')), signal: AbortSignal.timeout(10_000) });
  return { status: r.status, body: r.body.toString('utf8') };
}

const getFolder = (shape: string, ids: string, extra = ''): string =>
  `<m:GetFolder><m:FolderShape><t:BaseShape>${shape}</t:BaseShape>${extra}</m:FolderShape><m:FolderIds>${ids}</m:FolderIds></m:GetFolder>`;
const rootId = async (who: string): Promise<string> => /<t:FolderId Id="([^"]+)"/.exec((await call(who, getFolder('IdOnly', '<t:DistinguishedFolderId Id="root"/>'))).body)?.[1] ?? '';
const convert = (id: string, from: string, to: string, mailbox = 'someone.else@elsewhere.test'): string =>
  `<m:ConvertId DestinationFormat="${to}"><m:SourceIds><t:AlternateId Format="${from}" Id="${id}" Mailbox="${mailbox}"/></m:SourceIds></m:ConvertId>`;
const to = (addr: string): string => `<t:ToRecipients><t:Mailbox><t:EmailAddress>${addr}</t:EmailAddress></t:Mailbox></t:ToRecipients>`;
const savedIn = (folder: string): string => `<m:SavedItemFolderId>${folder}</m:SavedItemFolderId>`;
const folderIdOf = async (who: string, name: string): Promise<string> =>
  /<t:FolderId Id="([^"]+)"/.exec((await call(who, getFolder('IdOnly', `<t:DistinguishedFolderId Id="${name}"/>`))).body)?.[1] ?? '';
const countIn = async (who: string, name: string): Promise<number> =>
  Number(/<t:TotalCount>(\d+)<\/t:TotalCount>/.exec((await call(who, getFolder('Default', `<t:DistinguishedFolderId Id="${name}"/>`))).body)?.[1]);
/** The ids of the items with this subject in the caller's folder. */
async function subjectsIn(who: string, name: string, subject: string): Promise<string[]> {
  const r = await call(who, `<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:Restriction><t:IsEqualTo><t:FieldURI FieldURI="item:Subject"/>` +
    `<t:FieldURIOrConstant><t:Constant Value="${subject}"/></t:FieldURIOrConstant></t:IsEqualTo></m:Restriction><m:ParentFolderIds><t:DistinguishedFolderId Id="${name}"/></m:ParentFolderIds></m:FindItem>`);
  return [...r.body.matchAll(/<t:ItemId Id="([^"]+)"/g)].map((m) => m[1] ?? '');
}
async function draft(who: string, subject: string): Promise<string> {
  const r = await call(who, createItem(`<t:Subject>${subject}</t:Subject>${to('ops@example.test')}`, 'SaveOnly'));
  return /<t:ItemId Id="([^"]+)"/.exec(r.body)?.[1] ?? '';
}

for (const auth of ['basic', 'ntlm']) {
  test(`${auth}: ConvertId on the root folder's id names the mailbox's own address; the request's Mailbox is ignored`, async () => {
    const root = await rootId(auth);
    assert.ok(root);
    for (const format of ['EwsId', 'EwsLegacyId', 'EntryId', 'HexEntryId', 'StoreId', 'OwaId']) {
      const r = await call(auth, convert(root, 'EwsId', format));
      assert.match(r.body, /ResponseClass="Success"/, format);
      const [, id = '', mailbox] = /<m:AlternateId [^>]*Format="[^"]+" Id="([^"]+)" Mailbox="([^"]+)"/.exec(r.body) ?? [];
      assert.is(mailbox, 'svc-notify@contoso.test', format);
      // … and back: the converted id names the same folder.
      const back = await call(auth, convert(id, format, 'EwsId', 'svc-notify@contoso.test'));
      assert.match(back.body, new RegExp(`Id="${root.replace(/[+/=]/g, (c) => `\\${c}`)}"`), `${format} round trip`);
    }
  });

  test(`${auth}: ConvertId converts item ids too (a draft), with its owner's address`, async () => {
    const id = await draft(auth, 'convert me');
    const r = await call(auth, convert(id, 'EwsId', 'EntryId', 'svc-notify@contoso.test'));
    assert.match(r.body, /<m:AlternateId [^>]*Format="EntryId" Id="[^"]+" Mailbox="svc-notify@contoso\.test"\/>/);
  });

  test(`${auth}: ConvertId checks the Mailbox is SMTP-shaped (never that it exists); an id it never made is malformed; DestinationFormat is required`, async () => {
    const root = await rootId(auth);
    assert.match((await call(auth, convert(root, 'EwsId', 'EwsId', 'not-an-address'))).body, /ErrorInvalidSmtpAddress/);
    assert.match((await call(auth, convert('DUMMY', 'EwsId', 'EwsId', 'DUMMY'))).body, /ErrorInvalidIdMalformed/);
    const missing = await call(auth, `<m:ConvertId><m:SourceIds><t:AlternateId Format="EwsId" Id="${root}" Mailbox="a@b.test"/></m:SourceIds></m:ConvertId>`);
    assert.is(missing.status, 500);
    assert.match(missing.body, /ErrorSchemaValidation/);
  });

  test(`${auth}: GetFolder shapes: IdOnly the id, Default the documented five, AllProperties and AdditionalProperties more`, async () => {
    const inbox = '<t:DistinguishedFolderId Id="inbox"/>';
    const idOnly = (await call(auth, getFolder('IdOnly', inbox))).body;
    assert.match(idOnly, /<t:Folder><t:FolderId Id="[^"]+" ChangeKey="[^"]+"\/><\/t:Folder>/);
    const byDefault = (await call(auth, getFolder('Default', inbox))).body;
    assert.match(byDefault, /<t:Folder><t:FolderId [^>]+\/><t:DisplayName>Inbox<\/t:DisplayName><t:TotalCount>0<\/t:TotalCount><t:ChildFolderCount>0<\/t:ChildFolderCount><t:UnreadCount>0<\/t:UnreadCount><\/t:Folder>/);
    const all = (await call(auth, getFolder('AllProperties', inbox))).body;
    assert.match(all, /<t:ParentFolderId [^>]+\/><t:FolderClass>IPF\.Note<\/t:FolderClass><t:DisplayName>Inbox/);
    const extra = (await call(auth, getFolder('IdOnly', inbox, '<t:AdditionalProperties><t:FieldURI FieldURI="folder:FolderClass"/></t:AdditionalProperties>'))).body;
    assert.match(extra, /<t:Folder><t:FolderId [^>]+\/><t:FolderClass>IPF\.Note<\/t:FolderClass><\/t:Folder>/);
  });

  test(`${auth}: GetFolder by the FolderId an answer gave; a Mailbox of one's own is fine, another's is ErrorAccessDenied, an unknown one ErrorNonExistentMailbox`, async () => {
    const sent = /<t:FolderId Id="([^"]+)" ChangeKey="([^"]+)"/.exec((await call(auth, getFolder('IdOnly', '<t:DistinguishedFolderId Id="sentitems"/>'))).body);
    const byId = await call(auth, getFolder('Default', `<t:FolderId Id="${sent?.[1]}" ChangeKey="${sent?.[2]}"/>`));
    assert.match(byId.body, /<t:DisplayName>Sent Items<\/t:DisplayName>/);
    const mailbox = (address: string): string => `<t:DistinguishedFolderId Id="inbox"><t:Mailbox><t:EmailAddress>${address}</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId>`;
    assert.match((await call(auth, getFolder('IdOnly', mailbox('svc-notify@contoso.test')))).body, /ResponseClass="Success"/);
    assert.match((await call(auth, getFolder('IdOnly', mailbox('other@contoso.test')))).body, /ErrorAccessDenied/);
    assert.match((await call(auth, getFolder('IdOnly', mailbox('ghost@contoso.test')))).body, /ErrorNonExistentMailbox/);
    const theirs = await rootId(`${auth}:other`);
    assert.match((await call(auth, getFolder('IdOnly', `<t:FolderId Id="${theirs}"/>`))).body, /ErrorAccessDenied/);
    const bogus = await call(auth, getFolder('IdOnly', '<t:DistinguishedFolderId Id="notafolder"/>'));
    assert.is(bogus.status, 500);
    assert.match(bogus.body, /ErrorSchemaValidation/);
  });

  test(`${auth}: FindItem by the Sent Items FolderId; IdOnly gives ids only; paging from the Beginning and the End`, async () => {
    for (const n of [1, 2, 3]) await call(auth, createItem(`<t:Subject>${auth} paged ${n}</t:Subject>${to('ops@example.test')}`, 'SendAndSaveCopy', '<m:SavedItemFolderId><t:DistinguishedFolderId Id="sentitems"/></m:SavedItemFolderId>'));
    const sentId = /<t:FolderId Id="([^"]+)"/.exec((await call(auth, getFolder('IdOnly', '<t:DistinguishedFolderId Id="sentitems"/>'))).body)?.[1];
    const find = (view: string, shape = 'IdOnly'): Promise<{ status: number; body: string }> => call(auth, `<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>${shape}</t:BaseShape></m:ItemShape>${view}` +
      `<m:ParentFolderIds><t:FolderId Id="${sentId}"/></m:ParentFolderIds></m:FindItem>`);
    const all = (await find('')).body;
    const total = Number(/TotalItemsInView="(\d+)"/.exec(all)?.[1]);
    assert.ok(total >= 3, all);
    assert.not.match(all, /<t:Subject>/);
    assert.match(all, /<t:Message><t:ItemId [^>]+\/><\/t:Message>/);
    const first = (await find('<m:IndexedPageItemView MaxEntriesReturned="2" Offset="0" BasePoint="Beginning"/>', 'Default')).body;
    assert.match(first, new RegExp(`<m:RootFolder IndexedPagingOffset="2" TotalItemsInView="${total}" IncludesLastItemInRange="false">`));
    assert.is(first.match(/<t:Message>/g)?.length, 2);
    assert.match(first, /<t:Subject>/);
    const rest = (await find(`<m:IndexedPageItemView MaxEntriesReturned="10" Offset="2" BasePoint="Beginning"/>`)).body;
    assert.match(rest, new RegExp(`IndexedPagingOffset="${total}" TotalItemsInView="${total}" IncludesLastItemInRange="true"`));
    const last = (await find('<m:IndexedPageItemView MaxEntriesReturned="1" Offset="0" BasePoint="End"/>', 'Default')).body;
    assert.match(last, new RegExp(`<t:Subject>${auth} paged 3</t:Subject>`));
    const noTraversal = await call(auth, `<m:FindItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ParentFolderIds><t:DistinguishedFolderId Id="sentitems"/></m:ParentFolderIds></m:FindItem>`);
    assert.is(noTraversal.status, 500);
    const associated = (await call(auth, `<m:FindItem Traversal="Associated"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ParentFolderIds><t:DistinguishedFolderId Id="sentitems"/></m:ParentFolderIds></m:FindItem>`)).body;
    assert.match(associated, /TotalItemsInView="0"/);
  });

  test(`${auth}: ResolveNames: several matches are a Warning with all of them; smtp: reaches aliases; full contact data on request`, async () => {
    const several = (await call(auth, '<m:ResolveNames ReturnFullContactData="false"><m:UnresolvedEntry>svc</m:UnresolvedEntry></m:ResolveNames>')).body;
    assert.match(several, /ResponseClass="Warning"><m:MessageText>Multiple results were found\.<\/m:MessageText><m:ResponseCode>ErrorNameResolutionMultipleResults<\/m:ResponseCode>/);
    assert.match(several, /TotalItemsInView="2"/);
    const alias = (await call(auth, '<m:ResolveNames ReturnFullContactData="true"><m:UnresolvedEntry>SMTP:notify-alias@contoso.test</m:UnresolvedEntry></m:ResolveNames>')).body;
    assert.match(alias, /ResponseClass="Success"/);
    assert.match(alias, /<t:EmailAddress>svc-notify@contoso\.test<\/t:EmailAddress>/);
    assert.match(alias, /<t:Contact><t:DisplayName>svc-notify<\/t:DisplayName><t:EmailAddresses><t:Entry Key="EmailAddress1">SMTP:svc-notify@contoso\.test<\/t:Entry><\/t:EmailAddresses><t:ContactSource>ActiveDirectory<\/t:ContactSource><\/t:Contact>/);
    // Without a routing type only the primary SMTP address counts.
    assert.match((await call(auth, '<m:ResolveNames ReturnFullContactData="false"><m:UnresolvedEntry>notify-alias@contoso.test</m:UnresolvedEntry></m:ResolveNames>')).body, /ErrorNameResolutionNoResults/);
    assert.is((await call(auth, '<m:ResolveNames><m:UnresolvedEntry>svc</m:UnresolvedEntry></m:ResolveNames>')).status, 500);
  });

  test(`${auth}: SendItem and CreateAttachment tell an id never made (malformed) from one gone (not found) and another's (access denied); an ItemAttachment is refused by name`, async () => {
    const send = (id: string): string => `<m:SendItem SaveItemToFolder="false"><m:ItemIds><t:ItemId Id="${id}"/></m:ItemIds></m:SendItem>`;
    assert.match((await call(auth, send('not-an-id'))).body, /ErrorInvalidIdMalformed/);
    const id = await draft(auth, 'send once');
    assert.match((await call(auth, send(id))).body, /NoError/);
    assert.match((await call(auth, send(id))).body, /ErrorItemNotFound/);
    const theirs = await draft(`${auth}:other`, 'not yours');
    assert.match((await call(auth, send(theirs))).body, /ErrorAccessDenied/);
    const parent = await draft(auth, 'attach');
    const attach = (parentId: string, items: string): string => `<m:CreateAttachment><m:ParentItemId Id="${parentId}"/><m:Attachments>${items}</m:Attachments></m:CreateAttachment>`;
    const file = `<t:FileAttachment><t:Name>a.txt</t:Name><t:Content>${Buffer.from('a').toString('base64')}</t:Content></t:FileAttachment>`;
    assert.match((await call(auth, attach('bogus', file))).body, /ErrorInvalidIdMalformed/);
    const mixed = (await call(auth, attach(parent, `${file}<t:ItemAttachment><t:Name>inner</t:Name><t:Message><t:Subject>inner</t:Subject></t:Message></t:ItemAttachment>`))).body;
    assert.match(mixed, /<m:CreateAttachmentResponseMessage ResponseClass="Success">.*<m:CreateAttachmentResponseMessage ResponseClass="Error"><m:MessageText>[^<]+<\/m:MessageText><m:ResponseCode>ErrorInvalidOperation/s);
    assert.match((await call(auth, '<m:SendItem><m:ItemIds><t:ItemId Id="x"/></m:ItemIds></m:SendItem>')).body, /ErrorSchemaValidation/);
  });

  test(`${auth}: CreateItem of messages without MessageDisposition: each one ErrorMessageDispositionRequired, nothing saved or sent`, async () => {
    const before = (await deliveryLines()).length;
    const drafts = await countIn(auth, 'drafts');
    const subject = `${auth} no disposition`;
    const r = await call(auth, `<m:CreateItem><m:Items><t:Message><t:Subject>${subject}</t:Subject>${to('ops@example.test')}</t:Message>` +
      `<t:Message><t:Subject>${subject}</t:Subject>${to('ops@example.test')}</t:Message></m:Items></m:CreateItem>`);
    assert.is(r.status, 200);
    assert.is(r.body.match(/<m:CreateItemResponseMessage ResponseClass="Error"><m:MessageText>MessageDisposition attribute is required\.<\/m:MessageText><m:ResponseCode>ErrorMessageDispositionRequired</g)?.length, 2, r.body);
    assert.not.match(r.body, /<t:ItemId/);
    assert.is(await countIn(auth, 'drafts'), drafts);
    assert.is((await deliveryLines()).length, before);
  });

  test(`${auth}: SavedItemFolderId decides where SaveOnly keeps the draft and SendAndSaveCopy the copy (DistinguishedFolderId or a FolderId handed out)`, async () => {
    const inbox = await folderIdOf(auth, 'inbox');
    const saved = await call(auth, createItem(`<t:Subject>${auth} saved in inbox</t:Subject>${to('ops@example.test')}`, 'SaveOnly', savedIn(`<t:FolderId Id="${inbox}"/>`)));
    const id = /<t:ItemId Id="([^"]+)"/.exec(saved.body)?.[1] ?? '';
    assert.ok(id, saved.body);
    assert.equal(await subjectsIn(auth, 'inbox', `${auth} saved in inbox`), [id]);
    assert.equal(await subjectsIn(auth, 'drafts', `${auth} saved in inbox`), []);
    // A draft saved outside Drafts is still a draft: SendItem sends it, its copy where SavedItemFolderId says.
    const sent = await call(auth, `<m:SendItem SaveItemToFolder="true"><m:ItemIds><t:ItemId Id="${id}"/></m:ItemIds>${savedIn('<t:DistinguishedFolderId Id="junkemail"/>')}</m:SendItem>`);
    assert.match(sent.body, /NoError/);
    assert.equal(await subjectsIn(auth, 'inbox', `${auth} saved in inbox`), []);
    assert.equal((await subjectsIn(auth, 'junkemail', `${auth} saved in inbox`)).length, 1);
    assert.equal(await subjectsIn(auth, 'sentitems', `${auth} saved in inbox`), []);
    const deleted = await folderIdOf(auth, 'deleteditems');
    const copy = await call(auth, createItem(`<t:Subject>${auth} copy kept in deleted items</t:Subject>${to('ops@example.test')}`, 'SendAndSaveCopy', savedIn(`<t:FolderId Id="${deleted}"/>`)));
    assert.match(copy.body, /NoError/);
    assert.equal((await subjectsIn(auth, 'deleteditems', `${auth} copy kept in deleted items`)).length, 1);
    assert.equal(await subjectsIn(auth, 'sentitems', `${auth} copy kept in deleted items`), []);
    const lines = await deliveryLines();
    assert.ok(lines.some((l) => l.subject === `${auth} copy kept in deleted items`) && lines.some((l) => l.subject === `${auth} saved in inbox`));
    // Without SavedItemFolderId: drafts in Drafts, copies in Sent Items, as before.
    await call(auth, createItem(`<t:Subject>${auth} default copy</t:Subject>${to('ops@example.test')}`, 'SendAndSaveCopy'));
    assert.equal((await subjectsIn(auth, 'sentitems', `${auth} default copy`)).length, 1);
    assert.equal((await subjectsIn(auth, 'drafts', `${auth} default draft`)).length, 0);
    await draft(auth, `${auth} default draft`);
    assert.equal((await subjectsIn(auth, 'drafts', `${auth} default draft`)).length, 1);
  });

  test(`${auth}: a SavedItemFolderId the mailbox lacks is ErrorSavedItemFolderNotFound; a malformed id, another's folder, refused; nothing sent`, async () => {
    const before = (await deliveryLines()).length;
    const message = `<t:Subject>${auth} nowhere</t:Subject>${to('ops@example.test')}`;
    for (const disposition of ['SaveOnly', 'SendAndSaveCopy', 'SendOnly']) {
      assert.match((await call(auth, createItem(message, disposition, savedIn('<t:DistinguishedFolderId Id="archiveinbox"/>')))).body, /ErrorSavedItemFolderNotFound/, disposition);
    }
    assert.match((await call(auth, createItem(message, 'SendAndSaveCopy', savedIn('<t:FolderId Id="not-a-folder"/>')))).body, /ErrorInvalidIdMalformed/);
    const theirs = await rootId(`${auth}:other`);
    assert.match((await call(auth, createItem(message, 'SaveOnly', savedIn(`<t:FolderId Id="${theirs}"/>`)))).body, /ErrorAccessDenied/);
    const mailbox = '<t:DistinguishedFolderId Id="sentitems"><t:Mailbox><t:EmailAddress>other@contoso.test</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId>';
    assert.match((await call(auth, createItem(message, 'SendAndSaveCopy', savedIn(mailbox)))).body, /ErrorAccessDenied/);
    assert.is((await deliveryLines()).length, before);
    assert.equal(await subjectsIn(auth, 'drafts', `${auth} nowhere`), []);
    const empty = await call(auth, createItem(message, 'SaveOnly', '<m:SavedItemFolderId/>'));
    assert.is(empty.status, 500);
    assert.match(empty.body, /ErrorSchemaValidation/);
  });

  test(`${auth}: SendItem with SaveItemToFolder="false" and a SavedItemFolderId is ErrorInvalidSendItemSaveSettings; the draft stays unsent`, async () => {
    const id = await draft(auth, `${auth} bad save settings`);
    const r = await call(auth, `<m:SendItem SaveItemToFolder="false"><m:ItemIds><t:ItemId Id="${id}"/></m:ItemIds>${savedIn('<t:DistinguishedFolderId Id="sentitems"/>')}</m:SendItem>`);
    assert.match(r.body, /ResponseClass="Error"><m:MessageText>[^<]+<\/m:MessageText><m:ResponseCode>ErrorInvalidSendItemSaveSettings/);
    assert.equal(await subjectsIn(auth, 'drafts', `${auth} bad save settings`), [id]);
    assert.match((await call(auth, `<m:SendItem SaveItemToFolder="true"><m:ItemIds><t:ItemId Id="${id}"/></m:ItemIds>${savedIn('<t:DistinguishedFolderId Id="archiveroot"/>')}</m:SendItem>`)).body, /ErrorSavedItemFolderNotFound/);
    assert.match((await call(auth, `<m:SendItem SaveItemToFolder="false"><m:ItemIds><t:ItemId Id="${id}"/></m:ItemIds></m:SendItem>`)).body, /NoError/);
  });
}

async function deliveryLines(): Promise<Array<{ subject: string }>> {
  const text = await readFile(path.join(sb.dataDir, 'deliveries.jsonl'), 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { subject: string });
}

test('every 200 answer of the audit validates against Microsoft\'s EWS schema', async () => {
  assert.ok(answered.length > 40, `answers: ${answered.length}`);
  await validateEnvelopes(answered);
});

test.run();
