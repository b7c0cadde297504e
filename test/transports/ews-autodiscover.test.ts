// Autodiscover as Microsoft documents it, against the sandbox playing the organisation in
// test/fixtures/autodiscover/users.yaml: which names exist is decided per test by the resolver seam
// (--resolve's host:port overrides, every other name "not found"), so each scenario shows one path:
// RedirectAddr to another domain, RedirectUrl (element and HTTP 302), the plain-HTTP 302, SRV, external
// before internal, SOAP where POX is off, a redirect loop stopped at 10, and the state-dir cache.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseResolve } from '../../agent/cli/resolve-flags.ts';
import { isAgentError, type AgentError } from '../../agent/errors.ts';
import { createResolver, type ResolveOverride } from '../../agent/http/resolver.ts';
import { startSandbox, type Sandbox } from '../../agent/sandbox/index.ts';
import { createTransport } from '../../agent/transports/index.ts';
import type { TransportDeps } from '../../agent/transports/factory-contract.ts';
import { repoRoot } from '../helpers/child.ts';
import { ewsConfig } from './helpers/config.ts';
import { lookupFor } from './helpers/routing.ts';
import { watchUnhandled, type UnhandledWatch } from './helpers/unhandled.ts';

const USERS = path.join(repoRoot, 'test/fixtures/autodiscover/users.yaml');
const PASSWORD = 'T3st-Passw0rd!';
let sandbox: Sandbox;
let dataDir: string;
let unhandled: UnhandledWatch;

test.before(async () => {
  unhandled = watchUnhandled();
  dataDir = await mkdtemp(path.join(tmpdir(), 'autodiscover-'));
  sandbox = await startSandbox({ dataDir, usersFile: USERS });
});
test.after(async () => {
  await sandbox.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** The sandbox's --resolve hints for these names only (name or name:port); every other name does not exist. */
function world(names: string[], extra: ResolveOverride[] = []): TransportDeps {
  const overrides = sandbox.resolve.resolve.map(parseResolve).filter((o) => names.includes(o.host) || names.includes(`${o.host}:${o.hostPort}`));
  const srv = sandbox.resolve.resolveSrv.map((spec) => {
    const [service = '', name = '', port = '0', priority = '0', weight = '0'] = spec.split(':');
    return { service, name, port: Number(port), priority: Number(priority), weight: Number(weight) };
  }).filter((r) => names.includes(r.service));
  const notFound = (): Promise<never> => Promise.reject(Object.assign(new Error('queryCname ENOTFOUND'), { code: 'ENOTFOUND' }));
  return { timeoutMs: 5000, resolver: createResolver([...overrides, ...extra], srv, notFound), lookup: lookupFor([], '127.0.0.1') };
}

const settings = (email: string, username: string) =>
  ewsConfig({ autodiscover: email, endpointSource: 'autodiscover', auth: 'ntlm', username, caFile: sandbox.caPath }, { password: PASSWORD });

async function verify(email: string, username: string, deps: TransportDeps): Promise<string | AgentError> {
  const transport = await createTransport(settings(email, username), deps);
  try {
    return (await transport.verify()).endpoint;
  } catch (error) {
    if (!isAgentError(error)) throw error;
    return error;
  } finally {
    await transport.close();
  }
}

function failed(result: string | AgentError): AgentError {
  assert.ok(typeof result !== 'string', `expected a failure, got ${String(result)}`);
  return result;
}

test('external (EXPR) before internal (EXCH); the internal one when the external does not answer', async () => {
  const both = world(['autodiscover.contoso.test', 'mail.contoso.test', 'exch01.corp.contoso.test']);
  assert.is(await verify('svc-notify@contoso.test', 'CONTOSO\\svc-notify', both), 'https://mail.contoso.test/EWS/Exchange.asmx');
  const inside = world(['autodiscover.contoso.test', 'exch01.corp.contoso.test']);
  assert.is(await verify('svc-notify@contoso.test', 'CONTOSO\\svc-notify', inside), 'https://exch01.corp.contoso.test/EWS/Exchange.asmx');
  const neither = failed(await verify('svc-notify@contoso.test', 'CONTOSO\\svc-notify', world(['autodiscover.contoso.test'])));
  assert.is(neither.code, 'HostNotFound');
  assert.match(neither.message, 'no EWS URL from Autodiscover answered: https://mail.contoso.test/EWS/Exchange.asmx: HostNotFound');
  assert.match(neither.message, 'https://exch01.corp.contoso.test/EWS/Exchange.asmx: HostNotFound');
});

test('https://<domain>/autodiscover/autodiscover.xml is asked first, then autodiscover.<domain>', async () => {
  assert.is(await verify('svc-notify@contoso.test', 'CONTOSO\\svc-notify', world(['contoso.test', 'mail.contoso.test'])), 'https://mail.contoso.test/EWS/Exchange.asmx');
});

/** Redirects Autodiscover follows: the hosts of the world, the mailbox and account, the EWS URL found. */
const redirects: [name: string, hosts: string[], email: string, username: string, endpoint: string][] = [
  ['RedirectAddr to another domain (hybrid): Autodiscover starts over for hybrid@cloud.test',
    ['autodiscover.contoso.test', 'autodiscover.cloud.test', 'outlook.cloud.test'], 'hybrid@contoso.test', 'CONTOSO\\hybrid', 'https://outlook.cloud.test/EWS/Exchange.asmx'],
  ['RedirectUrl: the answer sends to another Autodiscover server, which has the mailbox',
    ['autodiscover.fabrikam.test', 'autodiscover.hosting.test', 'mail.hosting.test'], 'notify@fabrikam.test', 'FABRIKAM\\notify', 'https://mail.hosting.test/EWS/Exchange.asmx'],
  ['an HTTP 302 from the https endpoint is followed like RedirectUrl',
    ['autodiscover.tailspin.test', 'autodiscover.hosting.test', 'mail.hosting.test'], 'notify@tailspin.test', 'TAILSPIN\\notify', 'https://mail.hosting.test/EWS/Exchange.asmx'],
  ['the unauthenticated GET on http://autodiscover.<domain> finds the server by its 302 to https',
    ['autodiscover.northwind.test:80', 'autodiscover-s.northwind.test', 'mail.northwind.test'], 'notify@northwind.test', 'NORTHWIND\\notify', 'https://mail.northwind.test/EWS/Exchange.asmx'],
];

for (const [name, hosts, email, username, endpoint] of redirects) {
  test(name, async () => {
    assert.is(await verify(email, username, world(hosts)), endpoint);
  });
}

test('the plain-HTTP probe carries no credentials, and a redirect to http is not followed', async () => {
  const heard: Array<string | undefined> = [];
  const server = createServer((req, res) => {
    heard.push(req.headers.authorization);
    req.resume();
    res.writeHead(302, { location: 'http://autodiscover-s.northwind.test/autodiscover/autodiscover.xml', 'content-length': 0 }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as AddressInfo).port;
    const deps = world([], [{ host: 'autodiscover.northwind.test', hostPort: 80, address: '127.0.0.1', port }]);
    const error = failed(await verify('notify@northwind.test', 'NORTHWIND\\notify', deps));
    assert.equal(heard, [undefined]);
    assert.match(error.message, 'http://autodiscover.northwind.test/autodiscover/autodiscover.xml (GET, no credentials): redirect to http://autodiscover-s.northwind.test/autodiscover/autodiscover.xml not followed: not an https URL');
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('SRV _autodiscover._tcp.<domain>: the port-443 record with the best priority and weight', async () => {
  const deps = world(['_autodiscover._tcp.adatum.test', 'autodiscover-srv.adatum.test', 'backup.adatum.test', 'legacy.adatum.test', 'mail.adatum.test']);
  assert.is(await verify('notify@adatum.test', 'ADATUM\\notify', deps), 'https://mail.adatum.test/EWS/Exchange.asmx');
  // Without the best record's name, the next priority is not tried (Microsoft: the best ones only); port 8443 never.
  const error = failed(await verify('notify@adatum.test', 'ADATUM\\notify', world(['_autodiscover._tcp.adatum.test', 'backup.adatum.test'])));
  assert.match(error.message, 'SRV _autodiscover._tcp.adatum.test → legacy.adatum.test:8443: ignored (not port 443, an SSL endpoint)');
  assert.match(error.message, 'https://autodiscover-srv.adatum.test/autodiscover/autodiscover.xml: HostNotFound');
  assert.not.match(error.message, 'https://backup.adatum.test');
});

test('SOAP GetUserSettings where POX is not offered (404): ExternalEwsUrl first', async () => {
  const deps = world(['autodiscover.litware.test', 'mail.litware.test', 'exch.corp.litware.test']);
  assert.is(await verify('notify@litware.test', 'LITWARE\\notify', deps), 'https://mail.litware.test/EWS/Exchange.asmx');
  assert.is(await verify('notify@litware.test', 'LITWARE\\notify', world(['autodiscover.litware.test', 'exch.corp.litware.test'])), 'https://exch.corp.litware.test/EWS/Exchange.asmx');
});

test('a redirect loop stops after 10 redirections, listing them', async () => {
  const error = failed(await verify('loop@loop-a.test', 'LOOP\\a', world(['autodiscover.loop-a.test', 'autodiscover.loop-b.test'])));
  assert.is(error.code, 'AutodiscoverFailed');
  assert.is(error.transient, false);
  assert.match(error.message, /^autodiscover for loop@loop-a\.test stopped after 10 redirections \(the next was RedirectAddr loop@loop-a\.test → loop@loop-b\.test/);
  const hops = [...error.message.matchAll(/\d+\) RedirectAddr (\S+) → (\S+) \(https:\/\/autodiscover\.loop-[ab]\.test\/autodiscover\/autodiscover\.xml\)/g)];
  assert.equal(hops.map((h) => Number(/^(\d+)/.exec(h[0])?.[1])), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.equal(hops[0]?.slice(1), ['loop@loop-a.test', 'loop@loop-b.test']);
  assert.equal(hops[1]?.slice(1), ['loop@loop-b.test', 'loop@loop-a.test']);
});

test('nothing found: every URL tried and why, the http probe and SRV included', async () => {
  const error = failed(await verify('nobody@contoso.test', 'CONTOSO\\svc-notify', world(['autodiscover.contoso.test'])));
  assert.is(error.code, 'AutodiscoverFailed');
  assert.is(error.transient, false, 'the server said the address is unknown: a retry will not help');
  for (const part of [
    'https://contoso.test/autodiscover/autodiscover.xml: HostNotFound',
    'https://autodiscover.contoso.test/autodiscover/autodiscover.xml: server error 500: The e-mail address cannot be found.',
    'http://autodiscover.contoso.test/autodiscover/autodiscover.xml (GET, no credentials): HTTP 404, no redirect',
    'SRV _autodiscover._tcp.contoso.test: ENOTFOUND',
  ]) assert.match(error.message, part);
});

test('cache: what was found is kept in the state dir and used while it answers; found again when it stops', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'autodiscover-cache-'));
  const cache = path.join(dir, 'autodiscover.json');
  try {
    const names = ['autodiscover.contoso.test', 'mail.contoso.test'];
    assert.is(await verify('svc-notify@contoso.test', 'CONTOSO\\svc-notify', { ...world(names), autodiscoverCache: cache }), 'https://mail.contoso.test/EWS/Exchange.asmx');
    const kept = JSON.parse(await readFile(cache, 'utf8')) as { mailboxes: Record<string, { ewsUrls: string[]; via: string }> };
    assert.equal(kept.mailboxes['svc-notify@contoso.test']?.ewsUrls, ['https://mail.contoso.test/EWS/Exchange.asmx', 'https://exch01.corp.contoso.test/EWS/Exchange.asmx']);
    assert.is(kept.mailboxes['svc-notify@contoso.test']?.via, 'https://autodiscover.contoso.test/autodiscover/autodiscover.xml');
    assert.not.match(JSON.stringify(kept), PASSWORD);
    // Autodiscover's names gone: the cached URL still answers, so nothing is discovered.
    assert.is(await verify('svc-notify@contoso.test', 'CONTOSO\\svc-notify', { ...world(['mail.contoso.test']), autodiscoverCache: cache }), 'https://mail.contoso.test/EWS/Exchange.asmx');
    // The cached URLs stop answering: Autodiscover runs again and the cache follows.
    await writeFile(cache, JSON.stringify({ version: 1, mailboxes: { 'svc-notify@contoso.test': { ewsUrls: ['https://old.contoso.test/EWS/Exchange.asmx'], address: 'svc-notify@contoso.test', via: 'x', at: '2020-01-01T00:00:00Z' } } }));
    assert.is(await verify('svc-notify@contoso.test', 'CONTOSO\\svc-notify', { ...world(names), autodiscoverCache: cache }), 'https://mail.contoso.test/EWS/Exchange.asmx');
    assert.equal((JSON.parse(await readFile(cache, 'utf8')) as typeof kept).mailboxes['svc-notify@contoso.test']?.ewsUrls[0], 'https://mail.contoso.test/EWS/Exchange.asmx');
    // Neither answers: the error says both what the cache held and what Autodiscover tried.
    const error = failed(await verify('svc-notify@contoso.test', 'CONTOSO\\svc-notify', { ...world([]), autodiscoverCache: cache }));
    assert.is(error.code, 'AutodiscoverFailed');
    assert.match(error.message, '(after the cached EWS URL failed: https://mail.contoso.test/EWS/Exchange.asmx: HostNotFound');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('no unhandled rejection escaped (one after the last test fails the file at exit)', () => {
  assert.equal(unhandled.seen, []);
});

test.run();
