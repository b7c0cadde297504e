// `mail-agent sandbox` as a real process: one ready line, working EWS, SIGTERM stops it cleanly.
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../agent/cli/main.ts';
import { captureIo } from '../helpers/io.ts';
import { shippedBin } from '../helpers/shipped.ts';
import { createItem, post, repoRoot, soap } from './helpers.ts';

function startCli(args: string[]) {
  const child = spawn(process.execPath, [shippedBin, 'sandbox', ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString('utf8'); });
  const exit = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const stop = () => child.kill('SIGTERM');
  return {
    lines: createInterface({ input: child.stdout })[Symbol.asyncIterator](), stop, stderr: () => stderr,
    /** SIGTERM ends it cleanly: exit code 0. */
    async stopsCleanly(): Promise<void> {
      stop();
      assert.equal(await exit, { code: 0, signal: null }, `SIGTERM: ${stderr}`);
    },
  };
}
type SandboxCli = ReturnType<typeof startCli>;

/** Runs `body` with a fresh data dir and a way to start `mail-agent sandbox`; whatever happens, the process it
 *  started is stopped and the folder removed. */
async function inDataDir(body: (dataDir: string, start: (args: string[]) => SandboxCli) => Promise<void>): Promise<void> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'sandbox-cli-'));
  let cli: SandboxCli | undefined;
  try {
    await body(dataDir, (args) => (cli = startCli(args)));
  } finally {
    cli?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

test('-o json: one ready line with url, ca and dataDir; it serves EWS; SIGTERM exits 0', () => inDataDir(async (dataDir, start) => {
  const cli = start(['--port', '0', '--data-dir', dataDir, '-o', 'json', '--version', 'Exchange2013_SP1', '--fault', 'busy:1', '--backoff-ms', '77']);
  const first = await cli.lines.next();
  const ready = JSON.parse(String(first.value)) as { url: string; ca: string; dataDir: string };
  assert.match(ready.url, /^https:\/\/127\.0\.0\.1:\d+\/EWS\/Exchange\.asmx$/);
  assert.is(ready.ca, path.join(dataDir, 'ca.pem'));
  assert.is(ready.dataDir, dataDir);
  const sandbox = { url: ready.url, caPem: await readFile(ready.ca, 'utf8') } as Parameters<typeof post>[0];
  const busy = await post(sandbox, soap(createItem('<t:Subject>x</t:Subject>')));
  assert.match(busy.body, /<t:Value Name="BackOffMilliseconds">77<\/t:Value>/);
  const ok = await post(sandbox, soap(createItem('<t:Subject>x</t:Subject><t:ToRecipients><t:Mailbox><t:EmailAddress>a@b.test</t:EmailAddress></t:Mailbox></t:ToRecipients>')));
  assert.match(ok.body, /MajorBuildNumber="1497"/);
  await cli.stopsCleanly();
  assert.is((await cli.lines.next()).done, true, 'nothing printed after the ready line');
  assert.is(cli.stderr(), '');
}));

test('--apps: the identity platform knows the file\'s app; -o json names the Graph root and the authority', () => inDataDir(async (dataDir, start) => {
  await writeFile(path.join(dataDir, 'apps.yaml'), 'apps:\n  - clientId: 99999999-0000-0000-0000-000000000009\n    tenant: contoso.test\n    secrets: [cli-secret]\n    permissions: [Mail.Send]\n');
  const cli = start(['--port', '0', '--data-dir', dataDir, '-o', 'json', '--apps', path.join(dataDir, 'apps.yaml'), '--sent-items-lag', '2000']);
  const ready = JSON.parse(String((await cli.lines.next()).value)) as { url: string; graph: string; authority: string; ca: string };
  assert.match(ready.graph, /^https:\/\/127\.0\.0\.1:\d+\/v1\.0$/);
  assert.match(ready.authority, /^https:\/\/127\.0\.0\.1:\d+\/sandbox\.test$/);
  const sandbox = { url: ready.url, caPem: await readFile(ready.ca, 'utf8') } as Parameters<typeof post>[0];
  const origin = new URL(ready.url).origin;
  const form = (tenant: string, id: string) => post(sandbox, new URLSearchParams({ client_id: id, client_secret: 'cli-secret', grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/.default' }).toString(),
    { 'content-type': 'application/x-www-form-urlencoded' }, `${origin}/${tenant}/oauth2/v2.0/token`);
  assert.is((await form('contoso.test', '99999999-0000-0000-0000-000000000009')).status, 200);
  assert.match((await form('sandbox.test', '11111111-2222-3333-4444-555555555555')).body, /AADSTS90002/, 'the default app is not there: the file replaces it');
  await cli.stopsCleanly();
}));

test('text output is the URL alone; --http serves plain HTTP and writes no CA', () => inDataDir(async (dataDir, start) => {
  const cli = start(['--port', '0', '--data-dir', dataDir, '--http']);
  const url = String((await cli.lines.next()).value);
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/EWS\/Exchange\.asmx$/);
  const r = await post({ url } as Parameters<typeof post>[0], soap(createItem('<t:Subject>x</t:Subject>')), {});
  assert.is(r.status, 401);
  assert.not.ok(await readFile(path.join(dataDir, 'ca.pem')).then(() => true, () => false));
  await cli.stopsCleanly();
}));

test('usage errors exit 64 without starting', async () => {
  for (const args of [['--port', 'x'], ['--version', 'Exchange2003'], ['--fault', 'meltdown:1'], ['-o', 'yaml'], ['--bogus']]) {
    const io = captureIo();
    assert.is(await main(['sandbox', ...args], io), 64, args.join(' '));
    assert.match(io.err(), /mail-agent sandbox: /);
  }
});

test('a port already taken exits 69 and says why', async () => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  try {
    await inDataDir(async (dataDir) => {
      const io = captureIo();
      assert.is(await main(['sandbox', '--port', String((taken.address() as AddressInfo).port), '--data-dir', dataDir, '--http'], io), 69);
      assert.match(io.err(), /cannot listen \(EADDRINUSE\)/);
      assert.is(process.listenerCount('SIGTERM'), 0, 'no signal handler left behind');
    });
  } finally {
    taken.close();
  }
});

test('--help describes the options', async () => {
  const io = captureIo();
  assert.is(await main(['sandbox', '--help'], io), 0);
  for (const option of ['--port', '--data-dir', '--users', '--version', '--hostname', '--http', '--fault', '--backoff-ms', '-o']) assert.ok(io.out().includes(option), option);
});

test.run();
