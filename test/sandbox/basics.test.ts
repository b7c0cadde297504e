import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { needTools } from '../helpers/tools.ts';
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

/** Every PEM file in a data dir, with its text. */
async function pems(dataDir: string): Promise<[string, string][]> {
  const names = (await readdir(dataDir)).filter((n) => n.endsWith('.pem')).sort();
  return Promise.all(names.map(async (n) => [n, await readFile(path.join(dataDir, n), 'utf8')] as [string, string]));
}

test('every PEM file the sandbox writes ends with a newline; one written without is completed on the next start', async () => {
  const files = await pems(sb.dataDir);
  assert.equal(files.map(([n]) => n), ['ca-key.pem', 'ca.pem', 'server-key.pem', 'server.pem']);
  for (const [name, text] of files) assert.ok(text.endsWith('-----\n'), name);
  const old = await tempSandbox();
  await old.close();
  for (const [name, text] of await pems(old.dataDir)) await writeFile(path.join(old.dataDir, name), text.trimEnd());
  const again = await tempSandbox({ dataDir: old.dataDir });
  try {
    assert.is(again.caPem, old.caPem?.trimEnd() + '\n', 'the same CA, completed');
    for (const [name, text] of await pems(old.dataDir)) assert.ok(text.endsWith('-----\n'), name);
  } finally {
    await again.cleanup();
  }
});

if (needTools(import.meta.url, test, ['python3'])) test('trusting two sandboxes: `cat a/ca.pem b/ca.pem` is a bundle Python\'s ssl loads and verifies both with', async () => {
  const other = await tempSandbox();
  try {
    const both = path.join(other.dataDir, 'both.pem');
    await writeFile(both, Buffer.concat([await readFile(path.join(sb.dataDir, 'ca.pem')), await readFile(path.join(other.dataDir, 'ca.pem'))]));
    const script = [
      'import socket, ssl, sys',
      'context = ssl.create_default_context(cafile=sys.argv[1])',
      'print("cas", context.cert_store_stats()["x509_ca"])',
      'for port in sys.argv[2:]:',
      '    with socket.create_connection(("127.0.0.1", int(port))) as raw:',
      '        with context.wrap_socket(raw, server_hostname="localhost") as tls:',
      '            print("verified", tls.version())',
    ].join('\n');
    const port = (url: string) => new URL(url).port;
    // Asynchronous: both sandboxes answer from this process.
    const { stdout } = await promisify(execFile)('/usr/bin/python3', ['-c', script, both, port(sb.url), port(other.url)], { timeout: 30_000 });
    const lines = stdout.trim().split('\n');
    assert.is(lines[0], 'cas 2');
    assert.equal(lines.slice(1).map((l) => /^verified TLSv1\.[23]$/.test(l)), [true, true], stdout);
  } finally {
    await other.cleanup();
  }
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
