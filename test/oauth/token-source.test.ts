// The agent's client-credentials token source against the sandbox's identity platform (a real HTTPS
// server): a secret and a certificate, the token held and refreshed before it expires (a shared clock moves
// time, nothing sleeps), one request for many callers, a refused token dropped, and each identity error
// mapped to its precise code with the AADSTS number — never the secret.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AgentError } from '../../agent/errors.ts';
import { tempSandbox, type TestSandbox } from '../sandbox/helpers.ts';
import {
  apps, CLIENT_ID, certificateCredential, claimsOf, CountingClient, fixture, OUTLOOK_SCOPE, SECRET, SharedClock, sandboxClient, tokenSource,
} from '../helpers/oauth.ts';

const YEAR = 365.25 * 24 * 3600_000;

let sandbox: TestSandbox;
let http: CountingClient;
let clock: SharedClock;

test.before.each(async () => {
  clock = new SharedClock();
  sandbox = await tempSandbox({
    now: clock.date,
    apps: await apps(
      { clientId: 'aaaaaaaa-0000-0000-0000-000000000001', secrets: [{ value: 'old-secret', expires: '2020-01-01T00:00:00Z' }], permissions: ['Mail.Send'] },
      { clientId: 'aaaaaaaa-0000-0000-0000-000000000002', secrets: [SECRET], disabled: true },
      { clientId: 'aaaaaaaa-0000-0000-0000-000000000003', secrets: [SECRET], permissions: ['Mail.Send'], consented: false },
      { clientId: 'aaaaaaaa-0000-0000-0000-000000000004', tenant: 'contoso.test', secrets: [SECRET], permissions: ['full_access_as_app', 'Mail.Send'] },
    ),
  });
  http = sandboxClient(sandbox);
});

test.after.each(async () => {
  http.close();
  await sandbox.cleanup();
});

async function refusal(promise: Promise<unknown>): Promise<AgentError> {
  try {
    await promise;
  } catch (err) {
    if (!(err instanceof AgentError)) throw err;
    assert.not.match(err.message, SECRET);
    return err;
  }
  throw new Error('expected the token request to be refused');
}

test('a client secret gets a Graph token: read the openid-configuration first, then the v2.0 token endpoint', async () => {
  const source = tokenSource(sandbox, http, { now: clock.now });
  assert.is(source.expiresAt(), undefined);
  const token = await source.token();
  const claims = claimsOf(token.value);
  assert.equal([claims.aud, claims.appid, claims.roles, claims.idtyp], ['https://graph.microsoft.com', CLIENT_ID, ['Mail.Send', 'Mail.ReadBasic'], 'app']);
  assert.is(token.expiresAt.getTime(), clock.ms + 3599_000);
  assert.equal(source.expiresAt(), token.expiresAt);
  assert.equal(http.requests.map((r) => r.url.replace(sandbox.origin, '')), [
    '/sandbox.test/v2.0/.well-known/openid-configuration', `/${String(claims.tid)}/oauth2/v2.0/token`,
  ]);
});

test('a certificate signs the client assertion (PS256, x5t#S256); the token is the same kind', async () => {
  const token = await tokenSource(sandbox, http, { credential: certificateCredential, now: clock.now }).token();
  const claims = claimsOf(token.value);
  assert.equal([claims.appid, claims.appidacr], [CLIENT_ID, '2']);
});

test('the Exchange Online scope gets a token for EWS and SMTP, with Exchange\'s own roles', async () => {
  const token = await tokenSource(sandbox, http, { scope: OUTLOOK_SCOPE, now: clock.now, over: { tenant: 'contoso.test', clientId: 'aaaaaaaa-0000-0000-0000-000000000004' } }).token();
  assert.equal([claimsOf(token.value).aud, claimsOf(token.value).roles], ['https://outlook.office365.com', ['full_access_as_app']]);
});

test('held until five minutes before expiry, then refreshed: one request however many ask', async () => {
  const source = tokenSource(sandbox, http, { now: clock.now });
  const first = await source.token();
  clock.advance(3599_000 - 301_000);
  assert.is((await source.token()).value, first.value);
  assert.is(http.tokenRequests(), 1);
  clock.advance(2_000);
  const many = await Promise.all([source.token(), source.token(), source.token()]);
  assert.is(http.tokenRequests(), 2);
  assert.ok(many.every((t) => t.value === many[0]?.value) && many[0]?.value !== first.value);
  assert.is(many[0]?.expiresAt.getTime(), clock.ms + 3599_000);
});

test('a short-lived token is refreshed at half its life', async () => {
  await sandbox.cleanup();
  sandbox = await tempSandbox({ now: clock.date, apps: await apps({ clientId: 'bbbbbbbb-0000-0000-0000-000000000001', secrets: [SECRET], tokenLifetimeSeconds: 60 }) });
  http.close();
  http = sandboxClient(sandbox);
  const source = tokenSource(sandbox, http, { now: clock.now, over: { clientId: 'bbbbbbbb-0000-0000-0000-000000000001' } });
  const first = await source.token();
  clock.advance(29_000);
  assert.is((await source.token()).value, first.value);
  clock.advance(2_000);
  assert.is.not((await source.token()).value, first.value);
});

test('a new transport of the same app reuses the token (and the endpoint); a rotated secret is a new sign-in', async () => {
  await sandbox.cleanup();
  sandbox = await tempSandbox({ now: clock.date, apps: await apps({ clientId: 'bbbbbbbb-0000-0000-0000-000000000002', secrets: [SECRET, 'rotated-secret'] }) });
  http.close();
  http = sandboxClient(sandbox);
  const over = { clientId: 'bbbbbbbb-0000-0000-0000-000000000002' };
  const first = await tokenSource(sandbox, http, { now: clock.now, over }).token();
  const again = tokenSource(sandbox, http, { now: clock.now, over });
  assert.equal(again.expiresAt(), first.expiresAt, 'known before asking');
  assert.is((await again.token()).value, first.value);
  assert.is(http.tokenRequests(), 1);
  assert.is(http.requests.filter((r) => r.url.endsWith('openid-configuration')).length, 1);
  const rotated = await tokenSource(sandbox, http, { now: clock.now, over, secrets: { clientSecret: 'rotated-secret' } }).token();
  assert.is.not(rotated.value, first.value);
  assert.is(http.tokenRequests(), 2);
  const other = tokenSource(sandbox, http, { now: clock.now, over });
  other.invalidate(first.value);
  assert.is.not((await tokenSource(sandbox, http, { now: clock.now, over }).token()).value, first.value, 'a refused token leaves the cache too');
});

test('invalidate drops the token a server refused; another value leaves the held one', async () => {
  const source = tokenSource(sandbox, http, { now: clock.now });
  const first = await source.token();
  source.invalidate('some-other-token');
  assert.is((await source.token()).value, first.value);
  source.invalidate(first.value);
  clock.advance(1000);
  assert.is.not((await source.token()).value, first.value);
  assert.is(http.tokenRequests(), 2);
});

test('a refresh that fails keeps the old token while it is good, then the error shows', async () => {
  const source = tokenSource(sandbox, http, { now: clock.now });
  const first = await source.token();
  await sandbox.close();
  clock.advance(3599_000 - 120_000);
  assert.is((await source.token()).value, first.value, 'kept: still two minutes to live');
  clock.advance(100_000);
  const err = await refusal(source.token());
  assert.is(err.code, 'ConnectionFailed');
  assert.ok(err.transient);
});

const identityErrors: [string, Parameters<typeof tokenSource>[2], string, string, RegExp][] = [
  ['unknown tenant', { over: { tenant: 'fabrikam.test' } }, 'TenantNotFound', 'AADSTS90002', /tenant fabrikam\.test does not exist at https:\/\/127\.0\.0\.1:\d+\/fabrikam\.test/],
  ['unknown app', { over: { clientId: 'cccccccc-0000-0000-0000-000000000000' } }, 'ApplicationNotFound', 'AADSTS700016', /application cccccccc-0000-0000-0000-000000000000 was not found in tenant sandbox\.test/],
  ['wrong secret', { secrets: { clientSecret: 'Not-the-secret-value' } }, 'ClientSecretInvalid', 'AADSTS7000215', /not a current secret of application 11111111-2222-3333-4444-555555555555: give the secret's value \(not its id\)/],
  ['expired secret', { secrets: { clientSecret: 'old-secret' }, over: { clientId: 'aaaaaaaa-0000-0000-0000-000000000001' } }, 'ClientSecretExpired', 'AADSTS7000222', /has expired: create a new one/],
  ['disabled app', { over: { clientId: 'aaaaaaaa-0000-0000-0000-000000000002' } }, 'ApplicationDisabled', 'AADSTS7000112', /is disabled in tenant sandbox\.test/],
  ['certificate not registered', { credential: certificateCredential, secrets: { certificate: { certPem: fixture('other.pem'), keyPem: fixture('other-key.pem') } } },
    'ClientCertificateRejected', 'AADSTS700027', /is certificate x5t#S256 \S+ registered on application 11111111-2222-3333-4444-555555555555, and still valid\?/],
];

for (const [name, options, code, serverCode, message] of identityErrors) {
  test(`identity error: ${name} → ${code} (${serverCode})`, async () => {
    const err = await refusal(tokenSource(sandbox, http, { ...options, now: clock.now }).token());
    assert.equal([err.code, err.serverCode, err.transient], [code, serverCode, false]);
    assert.match(err.message, message);
    assert.ok(err.message.endsWith(`(${serverCode})`), err.message);
  });
}

test('identity error: an expired certificate → ClientCertificateRejected (AADSTS700027), saying when it expired', async () => {
  clock.advance(101 * YEAR);
  const err = await refusal(tokenSource(sandbox, http, { credential: certificateCredential, now: clock.now }).token());
  assert.equal([err.code, err.serverCode], ['ClientCertificateRejected', 'AADSTS700027']);
  assert.match(err.message, /^certificate x5t#S256 \S+ expired on 2126-/);
});

test('identity error: this machine\'s clock an hour off → ClientCertificateRejected (AADSTS700024)', async () => {
  const skewed = new SharedClock(clock.ms - 3600_000);
  const err = await refusal(tokenSource(sandbox, http, { credential: certificateCredential, now: skewed.now }).token());
  assert.equal([err.code, err.serverCode], ['ClientCertificateRejected', 'AADSTS700024']);
  assert.match(err.message, /clock/);
});

test('consent missing: Entra ID still issues a token, without roles (the transports then say which permission)', async () => {
  const token = await tokenSource(sandbox, http, { now: clock.now, over: { clientId: 'aaaaaaaa-0000-0000-0000-000000000003' } }).token();
  assert.equal(claimsOf(token.value).roles, []);
});

test('no token request goes out without the configuration; a failed discovery is tried again', async () => {
  const source = tokenSource(sandbox, http, { now: clock.now, over: { tenant: 'fabrikam.test' } });
  await refusal(source.token());
  await refusal(source.token());
  assert.equal(http.requests.map((r) => r.url.endsWith('openid-configuration')), [true, true]);
  assert.is(http.tokenRequests(), 0);
});

test.run();
