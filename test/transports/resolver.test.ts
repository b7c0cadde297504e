// The resolver seam (--resolve, --resolve-srv): curl-style specs, host:port moved to another address and
// port while TLS still checks the URL's host, SRV answers given or asked of DNS.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseResolve, parseResolveSrv, resolverFromFlags } from '../../agent/cli/resolve-flags.ts';
import { createResolver } from '../../agent/http/resolver.ts';
import { isAgentError } from '../../agent/errors.ts';
import { createTransport } from '../../agent/transports/index.ts';
import { ewsConfig } from './helpers/config.ts';
import { account, startTestSandbox, type TestSandbox } from './helpers/sandbox.ts';

let sandbox: TestSandbox;
test.before(async () => { sandbox = await startTestSandbox({ hostnames: ['mail.contoso.test'] }); });
test.after(async () => { await sandbox.cleanup(); });

test('--resolve specs: curl form, a second port, IPv6 in brackets; mistakes say which part is wrong', () => {
  assert.equal(parseResolve('Mail.Contoso.test:443:127.0.0.1'), { host: 'mail.contoso.test', hostPort: 443, address: '127.0.0.1', port: 443 });
  assert.equal(parseResolve('mail.contoso.test:443:127.0.0.1:8443'), { host: 'mail.contoso.test', hostPort: 443, address: '127.0.0.1', port: 8443 });
  assert.equal(parseResolve('mail.contoso.test:80:[::1]:8080'), { host: 'mail.contoso.test', hostPort: 80, address: '::1', port: 8080 });
  const bad: Array<[string, RegExp]> = [
    ['mail.contoso.test:443', /expected HOST:PORT:ADDR/],
    ['mail.contoso.test:https:127.0.0.1', /PORT must be a port number/],
    ['mail.contoso.test:443:localhost', /localhost is not an IP address/],
    ['mail.contoso.test:443:::1', /expected HOST:PORT:ADDR/],
    ['mail..contoso:443:127.0.0.1', /HOST is not a host name/],
    ['mail.contoso.test:443:127.0.0.1:70000', /second PORT must be a port number/],
  ];
  for (const [spec, why] of bad) {
    const error = (() => { try { parseResolve(spec); return undefined; } catch (e) { return e; } })();
    assert.ok(isAgentError(error) && error.code === 'Usage', spec);
    assert.match((error as Error).message, why, spec);
  }
});

test('--resolve-srv specs: priority and weight optional, a wrong part named', () => {
  assert.equal(parseResolveSrv('_autodiscover._tcp.contoso.test:mail.contoso.test:443'),
    { service: '_autodiscover._tcp.contoso.test', name: 'mail.contoso.test', port: 443, priority: 0, weight: 0 });
  assert.equal(parseResolveSrv('_autodiscover._tcp.contoso.test:mail.contoso.test:443:10:5').priority, 10);
  assert.throws(() => parseResolveSrv('_autodiscover._tcp.contoso.test:mail.contoso.test'), /expected NAME:TARGET:PORT/);
  assert.throws(() => parseResolveSrv('_autodiscover._tcp.contoso.test:mail.contoso.test:443:x:1'), /PRIORITY must be 0-65535/);
  assert.is(resolverFromFlags({}), undefined);
});

test('SRV: given answers for the names given, the system\'s DNS for the rest', async () => {
  const asked: string[] = [];
  const resolver = createResolver([], [parseResolveSrv('_autodiscover._tcp.contoso.test:a.contoso.test:443:1:0'), parseResolveSrv('_autodiscover._tcp.contoso.test:b.contoso.test:443:0:0')],
    (service) => { asked.push(service); return Promise.reject(Object.assign(new Error('queryCname ENOTFOUND'), { code: 'ENOTFOUND' })); });
  assert.equal((await resolver.resolveSrv('_AUTODISCOVER._tcp.contoso.test')).map((r) => r.name), ['a.contoso.test', 'b.contoso.test']);
  await resolver.resolveSrv('_autodiscover._tcp.fabrikam.test').then(() => assert.unreachable(), (e: NodeJS.ErrnoException) => assert.is(e.code, 'ENOTFOUND'));
  assert.equal(asked, ['_autodiscover._tcp.fabrikam.test']);
});

test('a URL on port 443 reaches the sandbox\'s own port by --resolve; the certificate is checked for the URL\'s host', async () => {
  const settings = ewsConfig({ auth: 'ntlm', username: account.username, url: 'https://mail.contoso.test/EWS/Exchange.asmx', caFile: sandbox.caPath }, { password: account.password });
  const resolver = resolverFromFlags({ resolve: [`mail.contoso.test:443:127.0.0.1:${sandbox.port}`, `other.contoso.test:443:127.0.0.1:${sandbox.port}`] });
  const transport = await createTransport(settings, { timeoutMs: 5000, ...(resolver ? { resolver } : {}) });
  try {
    assert.is((await transport.verify()).endpoint, 'https://mail.contoso.test/EWS/Exchange.asmx');
  } finally {
    await transport.close();
  }
  const misnamed = await createTransport(ewsConfig({ auth: 'ntlm', username: account.username, url: 'https://other.contoso.test/EWS/Exchange.asmx', caFile: sandbox.caPath }, { password: account.password }),
    { timeoutMs: 5000, ...(resolver ? { resolver } : {}) });
  try {
    const error = await misnamed.verify().then(() => undefined, (e: unknown) => e);
    assert.ok(isAgentError(error) && error.code === 'CertificateRejected', String(error));
  } finally {
    await misnamed.close();
  }
});

test.run();
