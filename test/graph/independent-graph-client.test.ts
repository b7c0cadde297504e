// Mail sent through the sandbox's Graph by a client we did not write, @microsoft/microsoft-graph-client:
// JSON and MIME sendMail, a large attachment by upload session (its LargeFileUploadTask: ranges, no token on
// the upload URL), and its retry handler honouring a 429's Retry-After — delivered once.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { apps, SECRET } from '../helpers/oauth.ts';
import { tempSandbox, type TestSandbox } from '../sandbox/helpers.ts';
import { graphToken } from '../sandbox/graph-helpers.ts';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const WRITER = 'dddddddd-0000-0000-0000-000000000002';

let sandbox: TestSandbox;
test.before.each(async () => {
  sandbox = await tempSandbox({ apps: await apps({ clientId: WRITER, secrets: [SECRET], permissions: ['Mail.Send', 'Mail.ReadWrite'], mailboxes: ['notify@sandbox.test'] }) });
});
test.after.each(async () => { await sandbox.cleanup(); });

async function sdk(action: string, extra: Record<string, unknown> = {}, clientId?: string): Promise<Record<string, unknown>> {
  const token = await graphToken(sandbox, clientId);
  const input = JSON.stringify({ origin: sandbox.origin, token, mailbox: 'notify@sandbox.test', action, ...extra });
  const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(here, 'clients/graph-client.ts'), input],
    { cwd: repo, env: { ...process.env, NODE_EXTRA_CA_CERTS: sandbox.caPath ?? '' } });
  return JSON.parse(stdout) as Record<string, unknown>;
}

async function deliveries(): Promise<Record<string, unknown>[]> {
  const text = await readFile(path.join(sandbox.dataDir, 'deliveries.jsonl'), 'utf8').catch(() => '');
  return text.trim() === '' ? [] : text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

test('sendMail with a JSON message', async () => {
  assert.equal(await sdk('json'), { ok: true });
  const [d] = await deliveries();
  assert.equal([d?.operation, d?.subject, d?.to], ['sendMail', 'Sent by microsoft-graph-client', ['ops@sandbox.test']]);
});

test('sendMail in MIME form', async () => {
  const mime = 'From: notify@sandbox.test\r\nTo: ops@sandbox.test\r\nSubject: MIME by the SDK\r\nMessage-ID: <sdk-1@sandbox.test>\r\n\r\nhello\r\n';
  assert.equal(await sdk('mime', { mime }), { ok: true });
  const [d] = await deliveries();
  assert.equal([d?.subject, d?.messageId], ['MIME by the SDK', '<sdk-1@sandbox.test>']);
});

test('a 5 MB attachment by upload session (LargeFileUploadTask), then send', async () => {
  const result = await sdk('large', { size: 5 * 1024 * 1024 + 7 }, WRITER);
  assert.is(result.ok, true, JSON.stringify(result));
  assert.is(new URL(String(result.uploadUrl)).hostname, 'localhost');
  const [d] = await deliveries();
  assert.equal([d?.operation, d?.subject], ['send', 'A large attachment']);
  const eml = await readFile(path.join(sandbox.dataDir, String((d?.files as string[])[0])), 'utf8');
  const b64 = /filename="?large\.bin"?[\s\S]*?\r\n\r\n([A-Za-z0-9+/=\r\n]+?)\r\n--/.exec(eml)?.[1] ?? '';
  assert.is(Buffer.from(b64.replace(/\r\n/g, ''), 'base64').length, 5 * 1024 * 1024 + 7);
});

test('the retry handler honours a 429 with Retry-After and sends once', async () => {
  sandbox.setFaults([{ kind: 'busy', count: 2, backoffMs: 1000 }]);
  assert.equal(await sdk('retry'), { ok: true });
  const all = await deliveries();
  assert.equal(all.map((d) => d.subject), ['after a 429']);
});

test('without Mail.ReadWrite the SDK sees Graph\'s 403 ErrorAccessDenied for a draft', async () => {
  const result = await sdk('large');
  assert.equal([result.ok, result.statusCode, result.code], [false, 403, 'ErrorAccessDenied']);
});

test.run();
