// The endpoint forms and TLS trust: `server` and `autodiscover` reach the sandbox through a DNS override;
// an untrusted certificate is CertificateRejected unless caFile (or rejectInvalidCertificates: false) says otherwise.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createTransport } from '../../agent/transports/index.ts';
import type { TransportDeps } from '../../agent/transports/factory-contract.ts';
import type { EwsSettings, LoadedConfig } from '../../agent/config/settings.ts';
import { ewsConfig } from './helpers/config.ts';
import { verifyError } from './helpers/verify-error.ts';
import { watchUnhandled, type UnhandledWatch } from './helpers/unhandled.ts';
import { lookupFor, startForwarder, type Forwarder } from './helpers/routing.ts';
import { account, startTestSandbox, type TestSandbox } from './helpers/sandbox.ts';

const names = ['mail.contoso.test', 'autodiscover.contoso.test'];
let sandbox: TestSandbox;
let unhandled: UnhandledWatch;
let forwarder: Forwarder;
let deps: TransportDeps;

test.before(async () => {
  unhandled = watchUnhandled();
  sandbox = await startTestSandbox({ hostnames: [...names, 'contoso.test'] });
  forwarder = await startForwarder(sandbox.port);
  deps = { timeoutMs: 5000, lookup: lookupFor(names, forwarder.address) };
});
test.after(async () => {
  await forwarder.close();
  await sandbox.cleanup();
});

const config = (ews: Partial<EwsSettings>): LoadedConfig => ewsConfig({ auth: 'ntlm', username: account.username, ...ews }, { password: account.password });

const failure = (settings: LoadedConfig, transportDeps: TransportDeps = deps) => verifyError(settings, transportDeps);

test('server form: the expanded URL on port 443 reaches the sandbox by name, trusted through caFile', async () => {
  const transport = await createTransport(config({ url: 'https://mail.contoso.test/EWS/Exchange.asmx', endpointSource: 'server', caFile: sandbox.caPath }), deps);
  try {
    const info = await transport.verify();
    assert.is(info.endpoint, 'https://mail.contoso.test/EWS/Exchange.asmx');
    assert.is(info.serverVersion, 'Exchange2016');
  } finally {
    await transport.close();
  }
});

test('autodiscover form: autodiscover.<domain> answers with the EWS URL', async () => {
  const transport = await createTransport(config({ autodiscover: account.email, endpointSource: 'autodiscover', caFile: sandbox.caPath }), deps);
  try {
    const info = await transport.verify();
    assert.is(info.endpoint, sandbox.url);
    assert.is(info.account, account.username);
  } finally {
    await transport.close();
  }
});

test('autodiscover form: <domain> answers when autodiscover.<domain> does not resolve', async () => {
  const onlyDomain = { ...deps, lookup: lookupFor(['contoso.test'], forwarder.address) };
  const transport = await createTransport(config({ autodiscover: account.email, endpointSource: 'autodiscover', caFile: sandbox.caPath }), onlyDomain);
  try {
    assert.is((await transport.verify()).endpoint, sandbox.url);
  } finally {
    await transport.close();
  }
});

test('autodiscover for a mailbox the server does not know: the server\'s reason, permanent', async () => {
  const error = await failure(config({ autodiscover: 'nobody@contoso.test', endpointSource: 'autodiscover', caFile: sandbox.caPath }));
  assert.is(error.code, 'AutodiscoverFailed');
  assert.is(error.transient, false);
  assert.match(error.message, 'https://autodiscover.contoso.test/autodiscover/autodiscover.xml: server error 500: The e-mail address cannot be found.');
});

test('a certificate from an unknown CA is CertificateRejected (permanent)', async () => {
  const error = await failure(config({ url: sandbox.url }));
  assert.is(error.code, 'CertificateRejected');
  assert.is(error.transient, false);
});

test('a certificate for another name is CertificateRejected even with the CA trusted', async () => {
  const other = { ...deps, lookup: lookupFor(['mail.fabrikam.test'], forwarder.address) };
  const error = await failure(config({ url: 'https://mail.fabrikam.test/EWS/Exchange.asmx', caFile: sandbox.caPath }), other);
  assert.is(error.code, 'CertificateRejected');
});

test('rejectInvalidCertificates: false accepts the unknown CA', async () => {
  const transport = await createTransport(config({ url: sandbox.url, rejectInvalidCertificates: false }), deps);
  try {
    assert.is((await transport.verify()).endpoint, sandbox.url);
  } finally {
    await transport.close();
  }
});

test('an unknown host is HostNotFound; a closed port is ConnectionFailed; both transient', async () => {
  const missing = await failure(config({ url: 'https://nowhere.contoso.test/EWS/Exchange.asmx', caFile: sandbox.caPath }));
  assert.equal([missing.code, missing.transient], ['HostNotFound', true]);
  const refused = await failure(config({ url: 'https://127.0.0.1:9/EWS/Exchange.asmx', caFile: sandbox.caPath }));
  assert.equal([refused.code, refused.transient], ['ConnectionFailed', true]);
});

test('plain HTTP: refused unless allowInsecureHttp; an https URL on an http port is a ProtocolError', async () => {
  const plain = await startTestSandbox({ http: true });
  try {
    const refused = await failure(config({ url: plain.url }));
    assert.equal([refused.code, refused.transient], ['SemanticViolation', false]);
    const transport = await createTransport(config({ url: plain.url, allowInsecureHttp: true }), deps);
    try {
      assert.is((await transport.verify()).endpoint, plain.url);
    } finally {
      await transport.close();
    }
    const wrong = await failure(config({ url: plain.url.replace('http:', 'https:') }));
    assert.is(wrong.code, 'ProtocolError');
  } finally {
    await plain.cleanup();
  }
});

test('autodiscover failure lists every URL tried and why each failed', async () => {
  const error = await failure(config({ autodiscover: 'svc@fabrikam.test', endpointSource: 'autodiscover', caFile: sandbox.caPath }),
    { ...deps, lookup: lookupFor(['autodiscover.fabrikam.test'], forwarder.address) });
  assert.is(error.code, 'AutodiscoverFailed');
  assert.match(error.message, 'https://autodiscover.fabrikam.test/autodiscover/autodiscover.xml: CertificateRejected');
  assert.match(error.message, 'https://fabrikam.test/autodiscover/autodiscover.xml: HostNotFound');
});

test('no unhandled rejection escaped (one after the last test fails the file at exit)', () => {
  assert.equal(unhandled.seen, []);
});

test.run();
