// The sandbox driven by the real ews-javascript-api client: Basic, NTLM (its own @ewsjs/xhr), Bearer;
// Send, SendAndSaveCopy, attachments, MimeContent in ISO-8859-1, send-as rights, AutodiscoverUrl.
// Every EWS response it got is then validated against Microsoft's schema.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import type { LookupFunction } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { XhrApi } from '@ewsjs/xhr';
import {
  BodyType, ConfigurationApi, EmailAddress, EmailMessage, EmailMessageSchema, ExchangeService, ExchangeVersion,
  FolderId, ItemView, MessageBody, MimeContent, OAuthCredentials, SearchFilter, Uri, WebCredentials, WellKnownFolderName,
} from 'ews-javascript-api';
import iconv from 'iconv-lite';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildDirectory } from '../../agent/sandbox/users.ts';
import { repoRoot, tempSandbox, type TestSandbox } from './helpers.ts';
import { validateEnvelopes } from '../helpers/ews-schema.ts';
import { escapeXml } from '../../agent/text/xml-escape.ts';

const run = promisify(execFile);
const ACCOUNT = { username: 'CONTOSO\\svc-notify', password: 'T3st-Pass!', email: 'svc-notify@contoso.test' };
const TOKEN = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJzYW5kYm94In0.c2ln'; // ews-javascript-api insists on a JWT's shape
const directory = buildDirectory({
  users: [{ ...ACCOUNT, sendAs: ['helpdesk@contoso.test'], sendOnBehalf: ['boss@contoso.test'] }],
  tokens: [{ token: TOKEN, email: ACCOUNT.email }],
});

let sb: TestSandbox;
let plain: TestSandbox; // HTTP: @ewsjs/xhr's NTLM provider replaces the https agent, and with it any CA
const responses: string[] = [];
const tap = (x: { status: number; response: string }): void => { if (x.status === 200) responses.push(x.response); };

test.before(async () => {
  sb = await tempSandbox({ directory, hostnames: ['autodiscover.contoso.test'], tap });
  plain = await tempSandbox({ directory, http: true, tap });
});
test.after(async () => {
  await sb.cleanup();
  await plain.cleanup();
});

function service(url: string, xhr: XhrApi, credentials: WebCredentials | OAuthCredentials = new WebCredentials(ACCOUNT.username, ACCOUNT.password)): ExchangeService {
  ConfigurationApi.ConfigureXHR(xhr);
  const svc = new ExchangeService(ExchangeVersion.Exchange2013);
  svc.Credentials = credentials;
  svc.Url = new Uri(url);
  return svc;
}

const trusted = (): XhrApi => new XhrApi({ httpsAgent: new Agent({ ca: sb.caPem }) } as never);

function message(svc: ExchangeService, subject: string, to = 'alice@example.test'): EmailMessage {
  const msg = new EmailMessage(svc);
  msg.Subject = subject;
  // ews-javascript-api does not escape text: callers must (its issues #217, #358).
  msg.Body = new MessageBody(BodyType.HTML, '&lt;p&gt;Hello &amp; welcome&lt;/p&gt;');
  msg.ToRecipients.Add(new EmailAddress(to));
  return msg;
}

async function lastDelivery(box: TestSandbox): Promise<{ record: Record<string, unknown>; mail: ParsedMail }> {
  const lines = (await readFile(path.join(box.dataDir, 'deliveries.jsonl'), 'utf8')).trim().split('\n');
  const record = JSON.parse(lines.at(-1) ?? '{}') as { files: string[] } & Record<string, unknown>;
  const file = record.files[0];
  assert.ok(file, 'delivered to at least one mailbox');
  return { record, mail: await simpleParser(await readFile(path.join(box.dataDir, file))) };
}

// ews-javascript-api puts values into XML unescaped; callers escape (its issues #217, #358), as the agent
// does, with text/xml-escape.ts.

const addresses = (a: AddressObject | AddressObject[] | undefined): string[] =>
  ([] as AddressObject[]).concat(a ?? []).flatMap((o) => o.value.map((v) => v.address ?? ''));

test('Basic: Send delivers the message, and ServerInfo is the configured Exchange 2016 build', async () => {
  const svc = service(sb.url, trusted());
  await message(svc, 'basic send').Send();
  assert.is(svc.ServerInfo.MajorVersion, 15);
  assert.is(svc.ServerInfo.MinorVersion, 1);
  assert.is(svc.ServerInfo.MajorBuildNumber, 2507);
  const { record, mail } = await lastDelivery(sb);
  assert.is(record.disposition, 'SendOnly');
  assert.is(mail.subject, 'basic send');
  assert.equal(addresses(mail.to), ['alice@example.test']);
  assert.equal(addresses(mail.from), [ACCOUNT.email]);
  assert.is(mail.headers.get('sender'), undefined);
  assert.match(String(mail.html), /<p>Hello & welcome<\/p>/);
});

test('Basic: SendAndSaveCopy keeps a copy FindItem finds by InternetMessageId', async () => {
  const svc = service(sb.url, trusted());
  await message(svc, 'saved copy').SendAndSaveCopy();
  const { record } = await lastDelivery(sb);
  assert.is(record.disposition, 'SendAndSaveCopy');
  const sent = new FolderId(WellKnownFolderName.SentItems);
  const hit = await svc.FindItems(sent, new SearchFilter.IsEqualTo(EmailMessageSchema.InternetMessageId, escapeXml(String(record.messageId))), new ItemView(10));
  assert.is(hit.Items.length, 1);
  assert.is(hit.Items[0]?.Subject, 'saved copy');
  const miss = await svc.FindItems(sent, new SearchFilter.IsEqualTo(EmailMessageSchema.InternetMessageId, escapeXml('<nope@x>')), new ItemView(10));
  assert.is(miss.Items.length, 0);
});

test('attachments: CreateItem SaveOnly then SendItem delivers them', async () => {
  const svc = service(sb.url, trusted());
  const msg = message(svc, 'with attachment', 'ops@example.test');
  msg.Attachments.AddFileAttachment('report.txt', Buffer.from('hello report').toString('base64'));
  await msg.SendAndSaveCopy();
  const { record, mail } = await lastDelivery(sb);
  assert.is(record.operation, 'SendItem');
  assert.is(mail.attachments.length, 1);
  assert.is(mail.attachments[0]?.filename, 'report.txt');
  assert.is(mail.attachments[0]?.content.toString('utf8'), 'hello report');
});

test('SendAndSaveCopy into a folder it names (CreateItem, and SendItem after attachments) and Save into another: the items are where it said', async () => {
  const svc = service(sb.url, trusted());
  const find = async (folder: WellKnownFolderName, subject: string): Promise<number> =>
    (await svc.FindItems(new FolderId(folder), new SearchFilter.IsEqualTo(EmailMessageSchema.Subject, subject), new ItemView(10))).Items.length;
  await message(svc, 'copy in deleted items').SendAndSaveCopy(new FolderId(WellKnownFolderName.DeletedItems));
  assert.is((await lastDelivery(sb)).record.operation, 'CreateItem');
  const attached = message(svc, 'attached, copy in junk');
  attached.Attachments.AddFileAttachment('a.txt', Buffer.from('a').toString('base64'));
  await attached.SendAndSaveCopy(new FolderId(WellKnownFolderName.JunkEmail));
  assert.is((await lastDelivery(sb)).record.operation, 'SendItem');
  const saved = message(svc, 'saved in inbox');
  await saved.Save(new FolderId(WellKnownFolderName.Inbox));
  assert.is(await find(WellKnownFolderName.Inbox, 'saved in inbox'), 1);
  assert.is(await find(WellKnownFolderName.Drafts, 'saved in inbox'), 0);
  await saved.Send();
  assert.is((await lastDelivery(sb)).mail.subject, 'saved in inbox');
  assert.is(await find(WellKnownFolderName.Inbox, 'saved in inbox'), 0);
  assert.is(await find(WellKnownFolderName.DeletedItems, 'copy in deleted items'), 1);
  assert.is(await find(WellKnownFolderName.JunkEmail, 'attached, copy in junk'), 1);
  assert.is(await find(WellKnownFolderName.SentItems, 'copy in deleted items') + await find(WellKnownFolderName.SentItems, 'attached, copy in junk'), 0);
});

test('MimeContent in ISO-8859-1: delivered with its charset, From stamped by the server', async () => {
  const svc = service(sb.url, trusted());
  const mime = Buffer.concat([
    Buffer.from('To: alice@example.test\r\nSubject: =?ISO-8859-1?Q?Gr=FC=DFe?=\r\nMIME-Version: 1.0\r\n' +
      'Content-Type: text/plain; charset=ISO-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n', 'latin1'),
    iconv.encode('Grüße aus dem Agent – ÄÖÜ\r\n'.replace('–', '-'), 'iso-8859-1'),
  ]);
  const msg = new EmailMessage(svc);
  msg.MimeContent = new MimeContent('ISO-8859-1', mime.toString('base64'));
  msg.ToRecipients.Add(new EmailAddress('alice@example.test'));
  await msg.Send();
  const { mail } = await lastDelivery(sb);
  assert.is(mail.subject, 'Grüße');
  assert.is(mail.text?.trim(), 'Grüße aus dem Agent - ÄÖÜ');
  assert.match(String(mail.headers.get('content-type') && (mail.headers.get('content-type') as { params: { charset: string } }).params.charset), /iso-8859-1/i);
  assert.equal(addresses(mail.from), [ACCOUNT.email]);
});

test('send as: a granted From is delivered as that address, without Sender', async () => {
  const svc = service(sb.url, trusted());
  const msg = message(svc, 'as helpdesk');
  msg.From = new EmailAddress('helpdesk@contoso.test');
  await msg.Send();
  const { mail } = await lastDelivery(sb);
  assert.equal(addresses(mail.from), ['helpdesk@contoso.test']);
  assert.is(mail.headers.get('sender'), undefined);
});

test('send on behalf: From is the owner and Sender the account', async () => {
  const svc = service(sb.url, trusted());
  const msg = message(svc, 'for the boss');
  msg.From = new EmailAddress('boss@contoso.test');
  await msg.Send();
  const { record, mail } = await lastDelivery(sb);
  assert.equal(addresses(mail.from), ['boss@contoso.test']);
  assert.equal(addresses(mail.headers.get('sender') as AddressObject), [ACCOUNT.email]);
  assert.is(record.sender, ACCOUNT.email);
});

test('a From without a grant is refused with ErrorSendAsDenied', async () => {
  const svc = service(sb.url, trusted());
  const msg = message(svc, 'as the ceo');
  msg.From = new EmailAddress('ceo@contoso.test');
  const err = await msg.Send().then(() => undefined, (e: unknown) => e as { ErrorCode?: number; message?: string; Response?: { ErrorCode: number } });
  assert.ok(err, 'rejected');
  assert.match(String(err?.message), /right to send mail on behalf/);
});

test('NTLM with @ewsjs/xhr useNtlmAuthentication', async () => {
  const svc = service(plain.url, new XhrApi({}).useNtlmAuthentication(ACCOUNT.username, ACCOUNT.password));
  await message(svc, 'over ntlm').Send();
  const { mail } = await lastDelivery(plain);
  assert.is(mail.subject, 'over ntlm');
  assert.equal(addresses(mail.from), [ACCOUNT.email]);
});

test('NTLM with a wrong password is refused (401)', async () => {
  const svc = service(plain.url, new XhrApi({}).useNtlmAuthentication(ACCOUNT.username, 'wrong'));
  const err = await message(svc, 'nope').Send().then(() => undefined, (e: unknown) => e as { HttpStatusCode?: number });
  assert.is(err?.HttpStatusCode, 401);
});

test('NTLM with @ewsjs/xhr over HTTPS too (a child process trusting the CA via NODE_EXTRA_CA_CERTS)', async () => {
  const script = path.join(repoRoot, 'test/sandbox/fixtures/ewsjs-ntlm-send.ts');
  const send = (password: string): Promise<{ ok: boolean; build?: number; status?: number }> =>
    run(process.execPath, ['--import', 'tsx', script, sb.url, ACCOUNT.username, password, 'ntlm over tls'], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: sb.caPath }, timeout: 30_000,
    }).then(({ stdout }) => JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { ok: boolean });
  const [good, bad] = await Promise.all([send(ACCOUNT.password), send('wrong')]);
  assert.equal(good, { ok: true, build: 2507 });
  assert.is(bad.ok, false);
  const { mail } = await lastDelivery(sb);
  assert.is(mail.subject, 'ntlm over tls');
});

test('Bearer (OAuthCredentials) with a token from the users file', async () => {
  const svc = service(sb.url, trusted(), new OAuthCredentials(TOKEN));
  await message(svc, 'over oauth').Send();
  const { mail } = await lastDelivery(sb);
  assert.is(mail.subject, 'over oauth');
});

test('Basic with a wrong password is refused (401)', async () => {
  const svc = service(sb.url, trusted(), new WebCredentials(ACCOUNT.username, 'wrong'));
  const err = await message(svc, 'nope').Send().then(() => undefined, (e: unknown) => e as { HttpStatusCode?: number });
  assert.is(err?.HttpStatusCode, 401);
});

test('AutodiscoverUrl finds the sandbox (autodiscover.contoso.test resolved to it by a DNS-lookup override)', async () => {
  const port = sb.port;
  // The DNS override sends autodiscover.contoso.test to 127.0.0.1; the agent stands in for port 443.
  const lookup: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
    else callback(null, '127.0.0.1', 4);
  };
  class SandboxAgent extends Agent {
    override createConnection(options: Parameters<Agent['createConnection']>[0], callback?: Parameters<Agent['createConnection']>[1]): ReturnType<Agent['createConnection']> {
      return super.createConnection({ ...options, port }, callback);
    }
  }
  const agent = new SandboxAgent({ ca: sb.caPem, lookup });
  const svc = service('https://unused.invalid/EWS/Exchange.asmx', new XhrApi({ httpsAgent: agent } as never));
  svc.Credentials = new WebCredentials(ACCOUNT.email, ACCOUNT.password);
  await svc.AutodiscoverUrl(ACCOUNT.email, () => true);
  assert.is(svc.Url.ToString(), sb.url);
  agent.destroy();
});

test('every EWS response the client received validates against the EWS schema', async () => {
  assert.ok(responses.length >= 10, `responses recorded: ${responses.length}`);
  const out = await validateEnvelopes(responses);
  if (out !== undefined) assert.match(out, /validates/);
});

test.run();
