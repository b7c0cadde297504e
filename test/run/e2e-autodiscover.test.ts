// Autodiscover end to end through real processes: `mail-agent sandbox` plays the organisation of
// test/fixtures/autodiscover/users.yaml and prints the --resolve / --resolve-srv values for its names;
// `mail-agent test` and `mail-agent run --once` get the ones each scenario lets exist. Names not given
// are asked of the system's DNS (.test names do not exist there).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repoRoot, type Child } from '../helpers/child.ts';
import { spawnCli } from '../helpers/shipped.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const USERS = join(repoRoot, 'test/fixtures/autodiscover/users.yaml');
interface Ready { url: string; ca: string; redirectPort: number; resolve: string[]; resolveSrv: string[] }

let dir: Awaited<ReturnType<typeof tempDir>>;
let sandbox: Child;
let ready: Ready;

test.before(async () => {
  dir = await tempDir('e2e-autodiscover');
  await writeFile(join(dir.path, 'password'), 'T3st-Passw0rd!', { mode: 0o600 });
  sandbox = spawnCli(['sandbox', '--port', '0', '--data-dir', join(dir.path, 'sandbox'), '--users', USERS, '-o', 'json']);
  await sandbox.waitFor(/^\{"url".*\}$/m, 30_000);
  ready = JSON.parse(/^\{"url".*\}$/m.exec(sandbox.output())?.[0] ?? '{}') as Ready;
});
test.after(async () => {
  await sandbox.kill();
  await dir.cleanup();
});

/** --resolve / --resolve-srv flags for these names (name, name:port, or an SRV name). */
function flags(names: string[]): string[] {
  const hosts = ready.resolve.filter((spec) => {
    const [host, port] = spec.split(':');
    return names.includes(host ?? '') || names.includes(`${host}:${port}`);
  });
  const srv = ready.resolveSrv.filter((spec) => names.includes(spec.split(':')[0] ?? ''));
  return [...hosts.flatMap((h) => ['--resolve', h]), ...srv.flatMap((s) => ['--resolve-srv', s])];
}

async function settingsFor(email: string, username: string): Promise<string> {
  const file = join(dir.path, `${email}.yaml`);
  await writeFile(file, `apiVersion: mail-agent/v1
kind: MailSettings
service: ews
ews:
  autodiscover: ${email}
  username: '${username}'
  password: { file: ./password }
  auth: ntlm
  caFile: ${ready.ca}
test:
  to: ops@contoso.test
`);
  return file;
}

async function testCommand(email: string, username: string, names: string[]): Promise<{ code: number | null; out: string }> {
  const config = await settingsFor(email, username);
  const child = spawnCli(['test', '--config', config, '--to', 'ops@contoso.test', '--state-dir', join(dirname(config), 'state'), ...flags(names)]);
  const code = await child.exited();
  return { code, out: child.output() };
}

test('RedirectAddr to another domain: hybrid@contoso.test is found as hybrid@cloud.test', async () => {
  const r = await testCommand('hybrid@contoso.test', 'CONTOSO\\hybrid', ['autodiscover.contoso.test', 'autodiscover.cloud.test', 'outlook.cloud.test']);
  assert.is(r.code, 0, r.out);
  assert.match(r.out, /^verify: ok .* ews https:\/\/outlook\.cloud\.test\/EWS\/Exchange\.asmx auth ntlm/m);
  assert.match(r.out, /^send: ok /m);
});

/** Autodiscover finds the EWS URL only where the names it may resolve lead. */
const found: { name: string; email: string; username: string; names: string[]; ews: RegExp }[] = [
  {
    name: 'RedirectUrl: another Autodiscover server has the mailbox', email: 'notify@fabrikam.test', username: 'FABRIKAM\\notify',
    names: ['autodiscover.fabrikam.test', 'autodiscover.hosting.test', 'mail.hosting.test'], ews: /^verify: ok .* ews https:\/\/mail\.hosting\.test\/EWS\/Exchange\.asmx/m,
  },
  {
    name: 'HTTP 302: only http://autodiscover.northwind.test knows where Autodiscover is', email: 'notify@northwind.test', username: 'NORTHWIND\\notify',
    names: ['autodiscover.northwind.test:80', 'autodiscover-s.northwind.test', 'mail.northwind.test'], ews: /^verify: ok .* ews https:\/\/mail\.northwind\.test\/EWS\/Exchange\.asmx/m,
  },
  {
    name: 'SRV: only _autodiscover._tcp.adatum.test knows', email: 'notify@adatum.test', username: 'ADATUM\\notify',
    names: ['_autodiscover._tcp.adatum.test', 'autodiscover-srv.adatum.test', 'mail.adatum.test'], ews: /^verify: ok .* ews https:\/\/mail\.adatum\.test\/EWS\/Exchange\.asmx/m,
  },
];

for (const { name, email, username, names, ews } of found) {
  test(name, async () => {
    const r = await testCommand(email, username, names);
    assert.is(r.code, 0, r.out);
    assert.match(r.out, ews);
  });
}

test('internal vs external: the external URL, or the internal one where the external is not reachable', async () => {
  const outside = await testCommand('svc-notify@contoso.test', 'CONTOSO\\svc-notify', ['autodiscover.contoso.test', 'mail.contoso.test', 'exch01.corp.contoso.test']);
  assert.match(outside.out, /^verify: ok .* ews https:\/\/mail\.contoso\.test\/EWS\/Exchange\.asmx/m);
  const inside = await testCommand('svc-notify@contoso.test', 'CONTOSO\\svc-notify', ['autodiscover.contoso.test', 'exch01.corp.contoso.test']);
  assert.is(inside.code, 0, inside.out);
  assert.match(inside.out, /^verify: ok .* ews https:\/\/exch01\.corp\.contoso\.test\/EWS\/Exchange\.asmx/m);
});

test('a redirect loop: exit 1, stopped after 10 redirections, each listed', async () => {
  const r = await testCommand('loop@loop-a.test', 'LOOP\\a', ['autodiscover.loop-a.test', 'autodiscover.loop-b.test']);
  assert.is(r.code, 1);
  assert.match(r.out, /^verify: FAILED .* AutodiscoverFailed: autodiscover for loop@loop-a\.test stopped after 10 redirections/m);
  assert.match(r.out, '10) RedirectAddr loop@loop-b.test → loop@loop-a.test');
});

test('run --once keeps what it found in the state dir; the next run uses it without Autodiscover', async () => {
  const stateDir = join(dir.path, 'state');
  await mkdir(stateDir);
  const config = await settingsFor('svc-notify@contoso.test', 'CONTOSO\\svc-notify');
  const first = spawnCli(['run', '--once', '--config', config, '--state-dir', stateDir, '--log-format', 'json', ...flags(['autodiscover.contoso.test', 'mail.contoso.test'])]);
  assert.is(await first.exited(), 0, first.output());
  const cache = JSON.parse(await readFile(join(stateDir, 'autodiscover.json'), 'utf8')) as { mailboxes: Record<string, { ewsUrls: string[] }> };
  assert.is(cache.mailboxes['svc-notify@contoso.test']?.ewsUrls[0], 'https://mail.contoso.test/EWS/Exchange.asmx');
  await writeFile(config, (await readFile(config, 'utf8')) + '# changed: reconcile again\n');
  const second = spawnCli(['run', '--once', '--config', config, '--state-dir', stateDir, '--log-format', 'json', ...flags(['mail.contoso.test'])]);
  assert.is(await second.exited(), 0, second.output());
  assert.match(second.output(), /"endpoint":"https:\/\/mail\.contoso\.test\/EWS\/Exchange\.asmx"/);
});

test.run();
