// The sandbox's identity platform from the outside (raw HTTPS): the OpenID configuration and JWKS a client
// reads, the token endpoint's checks of a client assertion (audience, issuer, lifetime, jti), of the scope
// and the grant, client_secret_basic, an apps file with a certificate by path; and EWS taking an app-only
// token for Exchange Online with ExchangeImpersonation, refusing what Exchange Online refuses.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { constants, createPublicKey, createVerify, randomUUID, sign } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadApps } from '../../agent/sandbox/identity/apps.ts';
import { buildDirectory } from '../../agent/sandbox/users.ts';
import { apps, appCert, claimsOf, CLIENT_ID, fixturesDir, GRAPH_SCOPE, OUTLOOK_SCOPE, SECRET } from '../helpers/oauth.ts';
import { createItem, post, soap, tempSandbox, type Reply, type TestSandbox } from './helpers.ts';

let sandbox: TestSandbox;
test.before(async () => {
  sandbox = await tempSandbox({
    directory: buildDirectory({ users: [
      { username: 'SANDBOX\\notify', password: 'sandbox', email: 'notify@sandbox.test' },
      { username: 'SANDBOX\\alerts', password: 'sandbox', email: 'alerts@sandbox.test' },
    ] }),
    apps: await apps({ clientId: 'eeeeeeee-0000-0000-0000-000000000001', secrets: [SECRET], permissions: ['full_access_as_app'], mailboxes: ['notify@sandbox.test'] }),
  });
});
test.after(async () => { await sandbox.cleanup(); });

const get = (p: string): Promise<Reply> => post(sandbox, '', {}, `${sandbox.origin}${p}`, 'GET');
const form = (fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Reply> =>
  post(sandbox, new URLSearchParams(fields).toString(), { 'content-type': 'application/x-www-form-urlencoded', ...headers }, `${sandbox.origin}/sandbox.test/oauth2/v2.0/token`);
const json = (r: Reply): Record<string, unknown> => JSON.parse(r.body) as Record<string, unknown>;
const tokenEndpoint = () => `${sandbox.origin}/sandbox.test/oauth2/v2.0/token`;

function assertion(claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const h = Buffer.from(JSON.stringify({ alg: 'PS256', typ: 'JWT', 'x5t#S256': Buffer.from(appCert.sha256Hex, 'hex').toString('base64url'), ...header })).toString('base64url');
  const c = Buffer.from(JSON.stringify({ aud: tokenEndpoint(), iss: CLIENT_ID, sub: CLIENT_ID, jti: randomUUID(), nbf: now, exp: now + 600, ...claims })).toString('base64url');
  const sig = sign('sha256', Buffer.from(`${h}.${c}`), { key: appCert.keyPem, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
  return `${h}.${c}.${sig.toString('base64url')}`;
}

const withAssertion = (jwt: string) => form({ client_id: CLIENT_ID, grant_type: 'client_credentials', scope: GRAPH_SCOPE,
  client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: jwt });

function refused(reply: Reply, status: number, error: string, code: number): void {
  assert.is(reply.status, status, reply.body);
  const body = json(reply);
  assert.equal([body.error, body.error_codes], [error, [code]]);
  assert.match(String(body.error_description), new RegExp(`^AADSTS${code}: `));
  assert.equal(typeof body.trace_id, 'string');
}

test('openid-configuration names the tenant-id endpoints on the host asked; JWKS verifies issued tokens', async () => {
  const config = json(await get('/sandbox.test/v2.0/.well-known/openid-configuration'));
  const tid = /\/([0-9a-f-]{36})\/oauth2\/v2\.0\/token$/.exec(String(config.token_endpoint))?.[1];
  assert.ok(tid, String(config.token_endpoint));
  assert.is(config.token_endpoint, `${sandbox.origin}/${tid}/oauth2/v2.0/token`);
  assert.is(config.issuer, `${sandbox.origin}/${tid}/v2.0`);
  assert.ok(['authorization_endpoint', 'jwks_uri'].every((k) => typeof config[k] === 'string'));
  assert.equal(json(await get(`/${tid}/v2.0/.well-known/openid-configuration`)).token_endpoint, config.token_endpoint);
  const token = String(json(await form({ client_id: CLIENT_ID, client_secret: SECRET, grant_type: 'client_credentials', scope: GRAPH_SCOPE })).access_token);
  const jwks = json(await get(String(config.jwks_uri).replace(sandbox.origin, ''))) as { keys: { kid: string; n: string; e: string; kty: 'RSA' }[] };
  const [header, claims, signature] = token.split('.');
  const { kid } = JSON.parse(Buffer.from(header ?? '', 'base64url').toString()) as { kid: string };
  const key = jwks.keys.find((k) => k.kid === kid);
  assert.ok(key);
  assert.ok(createVerify('sha256').update(`${header}.${claims}`).verify(createPublicKey({ key, format: 'jwk' }), Buffer.from(signature ?? '', 'base64url')));
  assert.is(claimsOf(token).tid, tid);
});

test('an unknown tenant: discovery 400 invalid_tenant, token 400 — AADSTS90002 both', async () => {
  refused(await get('/fabrikam.test/v2.0/.well-known/openid-configuration'), 400, 'invalid_tenant', 90002);
  refused(await post(sandbox, 'grant_type=client_credentials', { 'content-type': 'application/x-www-form-urlencoded' }, `${sandbox.origin}/fabrikam.test/oauth2/v2.0/token`), 400, 'invalid_request', 90002);
});

test('client_secret_basic is accepted as well as the secret in the form', async () => {
  const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${SECRET}`).toString('base64')}`;
  const reply = await form({ grant_type: 'client_credentials', scope: GRAPH_SCOPE }, { authorization: basic });
  assert.is(reply.status, 200, reply.body);
  assert.equal([json(reply).token_type, json(reply).expires_in], ['Bearer', 3599]);
});

test('a good assertion passes; each wrong claim is refused with its AADSTS code', async () => {
  assert.is((await withAssertion(assertion())).status, 200);
  const byTenantId = String(json(await get('/sandbox.test/v2.0/.well-known/openid-configuration')).token_endpoint);
  assert.is((await withAssertion(assertion({ aud: byTenantId }))).status, 200, 'the tenant id form of the endpoint');
  refused(await withAssertion(assertion({ aud: 'https://login.microsoftonline.com/sandbox.test/oauth2/v2.0/token' })), 401, 'invalid_client', 700023);
  refused(await withAssertion(assertion({ iss: 'aaaaaaaa-0000-0000-0000-000000000000' })), 401, 'invalid_client', 700021);
  const past = Math.floor(Date.now() / 1000) - 3600;
  refused(await withAssertion(assertion({ nbf: past - 600, exp: past })), 401, 'invalid_client', 700024);
  refused(await withAssertion(assertion({ jti: '' })), 401, 'invalid_client', 50027);
  refused(await withAssertion(assertion({}, { alg: 'HS256' })), 401, 'invalid_client', 50027);
  refused(await withAssertion(assertion({}, { 'x5t#S256': 'AAAA' })), 401, 'invalid_client', 700027);
  const tampered = assertion().split('.');
  refused(await withAssertion(`${tampered[0]}.${Buffer.from(JSON.stringify({ aud: tokenEndpoint(), iss: CLIENT_ID, sub: CLIENT_ID, jti: 'x', exp: 9e9 })).toString('base64url')}.${tampered[2]}`), 401, 'invalid_client', 700027);
});

test('scope, grant and missing credentials', async () => {
  const base = { client_id: CLIENT_ID, client_secret: SECRET, grant_type: 'client_credentials' };
  refused(await form({ ...base, scope: 'Mail.Send' }), 400, 'invalid_scope', 1002012);
  refused(await form({ ...base, scope: 'https://management.azure.com/.default' }), 400, 'invalid_request', 500011);
  refused(await form({ ...base, grant_type: 'password', scope: GRAPH_SCOPE }), 400, 'unsupported_grant_type', 70003);
  refused(await form({ client_id: CLIENT_ID, grant_type: 'client_credentials', scope: GRAPH_SCOPE }), 401, 'invalid_client', 7000218);
  const byAppId = await form({ ...base, scope: '00000003-0000-0000-c000-000000000000/.default' });
  assert.is(claimsOf(String(json(byAppId).access_token)).aud, 'https://graph.microsoft.com');
});

test('an apps file: YAML, certificates by path relative to it, defaults filled', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'apps-file-'));
  try {
    await writeFile(path.join(dir, 'app.pem'), await readFile(path.join(fixturesDir, 'app.pem')));
    await writeFile(path.join(dir, 'apps.yaml'), `apps:\n  - clientId: ${CLIENT_ID}\n    certificates: [app.pem]\n    permissions: [Mail.Send]\n    tokenLifetimeSeconds: 600\n`);
    const directory = await loadApps(path.join(dir, 'apps.yaml'));
    const [app] = directory.apps;
    assert.equal([app?.tenant.domain, app?.certificates.length, [...app?.permissions ?? []], app?.tokenLifetimeSeconds, app?.mailboxes], ['sandbox.test', 1, ['Mail.Send'], 600, undefined]);
    await writeFile(path.join(dir, 'bad.yaml'), 'apps:\n  - clientId: not-a-guid\n');
    await loadApps(path.join(dir, 'bad.yaml')).then(() => assert.unreachable(), (err: Error) => assert.match(err.message, /apps\[0\]\.clientId must be a GUID/));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

const impersonation = (address: string) => `<t:ExchangeImpersonation><t:ConnectingSID><t:PrimarySmtpAddress>${address}</t:PrimarySmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>`;
const message = '<t:Subject>app-only</t:Subject><t:Body BodyType="Text">x</t:Body><t:ToRecipients><t:Mailbox><t:EmailAddress>ops@sandbox.test</t:EmailAddress></t:Mailbox></t:ToRecipients>';

async function outlookToken(clientId = 'eeeeeeee-0000-0000-0000-000000000001', scope = OUTLOOK_SCOPE): Promise<string> {
  return String(json(await form({ client_id: clientId, client_secret: SECRET, grant_type: 'client_credentials', scope })).access_token);
}

function ews(token: string, header: string): Promise<Reply> {
  const envelope = soap(createItem(message)).replace('<soap:Header>', `<soap:Header>${header}`);
  return post(sandbox, envelope, { authorization: `Bearer ${token}`, 'x-anchormailbox': 'notify@sandbox.test' });
}

test('EWS with an app-only token: the impersonated mailbox sends; Exchange Online\'s faults otherwise', async () => {
  const token = await outlookToken();
  const sent = await ews(token, impersonation('notify@sandbox.test'));
  assert.is(sent.status, 200, sent.body);
  assert.match(sent.body, /ResponseClass="Success"/);
  const last = JSON.parse((await readFile(path.join(sandbox.dataDir, 'deliveries.jsonl'), 'utf8')).trim().split('\n').at(-1) ?? '') as { account: string; from: string };
  assert.equal([last.account, last.from], ['SANDBOX\\notify', 'notify@sandbox.test']);
  const missing = await ews(token, '');
  assert.is(missing.status, 500);
  assert.match(missing.body, /ErrorInvalidExchangeImpersonationHeaderData<\/e:ResponseCode>.*must be present for this type of OAuth token/s);
  assert.match((await ews(token, impersonation('alerts@sandbox.test'))).body, /ErrorImpersonateUserDenied/);
  assert.match((await ews(token, impersonation('nobody@sandbox.test'))).body, /ErrorNonExistentMailbox/);
  assert.match((await ews(await outlookToken(CLIENT_ID), impersonation('notify@sandbox.test'))).body, /ErrorImpersonateUserDenied/, 'no full_access_as_app');
});

test('EWS refuses a Graph token and a forged one with 401 invalid_token (a new token may do)', async () => {
  for (const token of [await outlookToken(CLIENT_ID, GRAPH_SCOPE), `${(await outlookToken()).slice(0, -4)}AAAA`]) {
    const reply = await ews(token, impersonation('notify@sandbox.test'));
    assert.is(reply.status, 401);
    assert.match(String(reply.headers['www-authenticate']), /Bearer error="invalid_token"/);
  }
});

test.run();
