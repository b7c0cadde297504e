// The Graph transport against the sandbox (a real HTTPS server: identity platform and Graph): verify, send
// small (MIME sendMail) and large (draft, attachments, upload session, send), delegation, throttling, token
// expiry. Every request body the transport sends is checked against Microsoft's metadata of Graph.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AgentError } from '../../agent/errors.ts';
import { buildDirectory } from '../../agent/sandbox/users.ts';
import { createTransport } from '../../agent/transports/index.ts';
import type { Transport } from '../../agent/transports/transport.ts';
import { checkGraphBody, type GraphKind } from '../helpers/graph-schema.ts';
import { apps, certificateCredential, SECRET } from '../helpers/oauth.ts';
import { tempSandbox, type TestSandbox } from '../sandbox/helpers.ts';
import { graphConfig, message, recorder } from './helpers/graph.ts';

const WRITER = 'dddddddd-0000-0000-0000-000000000003';
const SEND_ONLY = 'dddddddd-0000-0000-0000-000000000004';
const OTHER_SCOPE = 'dddddddd-0000-0000-0000-000000000005';

let sandbox: TestSandbox;
let transport: Transport | undefined;
let rec: ReturnType<typeof recorder>;

test.before.each(async () => {
  sandbox = await tempSandbox({
    directory: buildDirectory({ users: [
      { username: 'SANDBOX\\notify', password: 'sandbox', email: 'notify@sandbox.test', sendAs: ['alerts@sandbox.test'] },
      { username: 'SANDBOX\\ops', password: 'sandbox', email: 'ops@sandbox.test' },
    ] }),
    apps: await apps(
      { clientId: WRITER, secrets: [SECRET], permissions: ['Mail.Send', 'Mail.ReadWrite'], mailboxes: ['notify@sandbox.test'] },
      { clientId: SEND_ONLY, secrets: [SECRET], permissions: ['Mail.Send'] },
      { clientId: OTHER_SCOPE, secrets: [SECRET], permissions: ['Mail.Send', 'Mail.ReadBasic'], mailboxes: ['ops@sandbox.test'] },
    ),
  });
  rec = recorder();
});

test.after.each(async () => {
  await transport?.close();
  transport = undefined;
  await sandbox.cleanup();
  checkSeen();
});

/** Every request body sent had the shape Graph's metadata gives it. */
function checkSeen(): void {
  for (const r of rec.seen) {
    const p = new URL(r.url).pathname;
    const kind: GraphKind | undefined = r.contentType === 'text/plain' ? 'mime'
      : r.body.length === 0 ? undefined
        : p.endsWith('/sendMail') ? 'sendMail' : p.endsWith('/createUploadSession') ? 'createUploadSession' : p.endsWith('/attachments') ? 'attachment' : 'message';
    if (kind) assert.equal(checkGraphBody(kind, r.body.toString('latin1')), [], `${r.method} ${p}`);
  }
}

async function open(over: Parameters<typeof graphConfig>[1] = {}, env: NodeJS.ProcessEnv = {}): Promise<Transport> {
  transport = await createTransport(graphConfig(sandbox, over), { onGraphRequest: rec.onGraphRequest, env });
  return transport;
}

async function deliveries(): Promise<Record<string, unknown>[]> {
  const text = await readFile(path.join(sandbox.dataDir, 'deliveries.jsonl'), 'utf8').catch(() => '');
  return text.trim() === '' ? [] : text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function delivered(index = 0): Promise<string> {
  const d = (await deliveries())[index];
  return readFile(path.join(sandbox.dataDir, String((d?.files as string[])[0])), 'latin1');
}

async function failure(promise: Promise<unknown>): Promise<AgentError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AgentError) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

test('verify: a token, then Sent Items read; the status\'s transport: graph, endpoint, auth, mailbox, token expiry', async () => {
  const info = await (await open()).verify();
  assert.equal([info.service, info.endpoint, info.auth, info.account], ['graph', `https://127.0.0.1:${sandbox.port}/v1.0/users/notify@sandbox.test`, 'oauth-client-secret', 'notify@sandbox.test']);
  assert.ok(Date.parse(info.tokenExpiresAt ?? '') > Date.now() + 3000_000, 'about an hour');
  assert.equal(rec.seen.map((r) => `${r.method} ${new URL(r.url).pathname}`), ['GET /v1.0/users/notify@sandbox.test/mailFolders/sentitems/messages']);
  assert.not.match(JSON.stringify(info), SECRET);
});

test('verify with a certificate', async () => {
  assert.is((await (await open({ credential: certificateCredential })).verify()).auth, 'oauth-certificate');
});

test('verify: what a 403 lacks — the permission, or the RBAC scope; an unknown mailbox; a wrong secret', async () => {
  const noRead = await failure((await open({ clientId: SEND_ONLY })).verify());
  assert.equal([noRead.code, noRead.serverCode], ['PermissionMissing', 'ErrorAccessDenied']);
  assert.match(noRead.message, /the app lacks Mail\.ReadBasic — grant it as an application permission with admin consent, or assign the RBAC role "Application Mail\.ReadBasic" scoped to this mailbox/);
  await transport?.close();
  const scope = await failure((await open({ clientId: OTHER_SCOPE })).verify());
  assert.equal(scope.code, 'PermissionMissing');
  assert.match(scope.message, /although the token carries Mail\.ReadBasic: the app's RBAC for Applications scope .* does not include this mailbox/);
  await transport?.close();
  const nobody = await failure((await open({ mailbox: 'nobody@sandbox.test' })).verify());
  assert.equal([nobody.code, nobody.serverCode], ['MailboxNotFound', 'ErrorInvalidUser']);
  await transport?.close();
  const secret = await failure((await open({ secrets: { clientSecret: 'not-it' } })).verify());
  assert.equal([secret.code, secret.serverCode], ['ClientSecretInvalid', 'AADSTS7000215']);
});

test('send: MIME sendMail, our bytes arrive — charset, Message-ID, threading headers; Bcc delivered, not shown', async () => {
  const t = await open();
  const m = await message({ subject: 'Störung behoben', text: 'Größe: 85 %', charset: 'iso-8859-1', bcc: ['ops@sandbox.test'],
    headers: { 'In-Reply-To': '<ticket-4711@helpdesk.test>', References: '<ticket-4711@helpdesk.test>' } });
  const result = await t.send(m);
  assert.is(result.messageId, m.messageId);
  const [d] = await deliveries();
  assert.equal([d?.operation, d?.messageId, d?.bcc], ['sendMail', m.messageId, ['ops@sandbox.test']]);
  const eml = await delivered();
  assert.match(eml, /In-Reply-To: <ticket-4711@helpdesk\.test>/);
  assert.match(eml, /charset=iso-8859-1/i);
  assert.not.match(eml, /^Bcc:/im);
  assert.equal(rec.seen.map((r) => [r.method, new URL(r.url).pathname, r.contentType]), [['POST', '/v1.0/users/notify@sandbox.test/sendMail', 'text/plain']]);
});

test('send large: a draft from the MIME without attachments, one added directly, one by upload session, then send', async () => {
  const t = await open({ clientId: WRITER });
  const big = Buffer.from(Array.from({ length: 6 * 1024 * 1024 + 5 }, (_, i) => i % 251));
  const small = Buffer.from('a small one');
  const m = await message({ subject: 'large', attachments: [{ filename: 'big.bin', contentType: 'application/octet-stream', content: big }, { filename: 'small.txt', contentType: 'text/plain', content: small }] });
  await t.send(m);
  const calls = rec.seen.map((r) => `${r.method} ${new URL(r.url).pathname.replace(/messages\/[^/]+/, 'messages/ID').replace(/^\/upload\/attachments\/[^/]+$/, '/upload/attachments/TOKEN')}`);
  assert.equal(calls, [
    'POST /v1.0/users/notify@sandbox.test/messages',
    'POST /v1.0/users/notify@sandbox.test/messages/ID/attachments/createUploadSession',
    'PUT /upload/attachments/TOKEN', 'PUT /upload/attachments/TOKEN', 'PUT /upload/attachments/TOKEN',
    'POST /v1.0/users/notify@sandbox.test/messages/ID/attachments',
    'POST /v1.0/users/notify@sandbox.test/messages/ID/send',
  ]);
  const [d] = await deliveries();
  assert.equal([d?.operation, d?.messageId], ['send', m.messageId]);
  const eml = await delivered();
  const part = (name: string) => Buffer.from((new RegExp(`filename="?${name.replace('.', '\\.')}"?[\\s\\S]*?\\r\\n\\r\\n([A-Za-z0-9+/=\\r\\n]+?)\\r\\n--`).exec(eml)?.[1] ?? '').replace(/\r\n/g, ''), 'base64');
  assert.ok(part('big.bin').equals(big), 'the large attachment arrives byte for byte');
  assert.ok(part('small.txt').equals(small));
});

test('send large without Mail.ReadWrite: PermissionMissing names it; nothing sent', async () => {
  const t = await open();
  const m = await message({ attachments: [{ filename: 'big.bin', contentType: 'application/octet-stream', content: Buffer.alloc(4 * 1024 * 1024) }] });
  const err = await failure(t.send(m));
  assert.equal(err.code, 'PermissionMissing');
  assert.match(err.message, /refused creating the draft .* the app lacks Mail\.ReadWrite/);
  assert.is((await deliveries()).length, 0);
});

test('from delegation: Send As allowed; another address fails that notification with SendAsDenied', async () => {
  const t = await open();
  await t.send(await message({ from: 'alerts@sandbox.test' }));
  assert.is((await deliveries())[0]?.from, 'alerts@sandbox.test');
  const err = await failure(t.send(await message({ from: 'ceo@sandbox.test' })));
  assert.equal([err.code, err.serverCode, err.transient], ['SendAsDenied', 'ErrorSendAsDenied', false]);
  assert.is((await deliveries()).length, 1);
});

test('throttling: 429 and 503 with Retry-After are ServerBusy, transient, with the server\'s delay', async () => {
  const t = await open();
  sandbox.setFaults([{ kind: 'busy', count: 1, backoffMs: 7000 }, { kind: 'unavailable', count: 1, backoffMs: 3000 }]);
  const busy = await failure(t.send(await message()));
  assert.equal([busy.code, busy.transient, busy.backoffMs, busy.serverCode], ['ServerBusy', true, 7000, 'ApplicationThrottled']);
  const down = await failure(t.send(await message()));
  assert.equal([down.code, down.transient, down.backoffMs], ['ServerBusy', true, 3000]);
  assert.is((await deliveries()).length, 0);
});

test('a token refused as expired is renewed once and the request repeated; sent once', async () => {
  const t = await open();
  await t.verify();
  const before = t.tokenExpiresAt?.();
  sandbox.setFaults([{ kind: 'expired', count: 1 }]);
  await t.send(await message());
  assert.is((await deliveries()).length, 1);
  assert.ok((t.tokenExpiresAt?.()?.getTime() ?? 0) >= (before?.getTime() ?? Infinity), 'a new token');
});

test('at most four requests at once per mailbox: twelve sends at once, none throttled by the sandbox', async () => {
  const t = await open({}, { MAIL_AGENT_GRAPH_MESSAGES_PER_MINUTE: '100' });
  const messages = await Promise.all(Array.from({ length: 12 }, () => message()));
  await Promise.all(messages.map((m) => t.send(m)));
  assert.is((await deliveries()).length, 12);
});

test.run();
