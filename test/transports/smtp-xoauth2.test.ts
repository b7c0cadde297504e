// service: smtp with auth xoauth2 against the sandbox's SMTP port and identity platform (real HTTPS, real
// STARTTLS, app-only tokens for Exchange Online holding SMTP.SendAsApp): a client secret and a certificate,
// the token refreshed before it expires and a session not kept past it, a token the server refuses as
// expired replaced once, refusals mapped to their reasons (no SMTP.SendAsApp, a mailbox outside the app's
// scope: 535 5.7.3; the identity platform's AADSTS codes), and SMTP AUTH turned off not retried.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ClientCredential } from '../../agent/config/settings.ts';
import { ClientCredentialsTokenSource } from '../../agent/oauth/client-credentials.ts';
import { tokenCache } from '../../agent/oauth/cache.ts';
import { buildDirectory } from '../../agent/sandbox/users.ts';
import { classifyFailure } from '../../agent/queue/outcome.ts';
import { trustContext } from '../../agent/transports/tls.ts';
import { SmtpTransport } from '../../agent/transports/smtp/transport.ts';
import type { OutgoingMessage } from '../../agent/transports/transport.ts';
import { agentErrorOf } from '../helpers/agent-error.ts';
import { apps, appCert, certificateCredential, claimsOf, CountingClient, credentialsFor, OUTLOOK_SCOPE, SECRET, SharedClock, sandboxClient } from '../helpers/oauth.ts';
import { tempSandbox, type TestSandbox } from '../sandbox/helpers.ts';

const SMTP_APP = '22222222-0000-0000-0000-000000000001';
const NO_ROLE_APP = '22222222-0000-0000-0000-000000000002';
const UNCONSENTED_APP = '22222222-0000-0000-0000-000000000003';
const mailbox = 'notify@sandbox.test';
const HOUR = 3599_000;

let sandbox: TestSandbox;
let sandboxClock: SharedClock;
let agentClock: SharedClock;
let http: CountingClient;

test.before.each(async () => {
  sandboxClock = new SharedClock();
  agentClock = new SharedClock(sandboxClock.ms);
  sandbox = await tempSandbox({
    smtpPort: 0,
    now: sandboxClock.date,
    directory: buildDirectory({
      users: [
        { username: 'SANDBOX\\notify', password: 'sandbox', email: mailbox },
        { username: 'SANDBOX\\ops', password: 'sandbox', email: 'ops@sandbox.test' },
        { username: 'SANDBOX\\locked', password: 'sandbox', email: 'locked@sandbox.test', smtpAuthDisabled: true },
      ],
    }),
    apps: await apps(
      { clientId: SMTP_APP, secrets: [SECRET], certificates: [appCert.certPem], permissions: ['SMTP.SendAsApp'], mailboxes: [mailbox, 'locked@sandbox.test'] },
      { clientId: NO_ROLE_APP, secrets: [SECRET], permissions: ['Mail.Send'], mailboxes: [mailbox] },
      { clientId: UNCONSENTED_APP, secrets: [SECRET], permissions: ['SMTP.SendAsApp'], mailboxes: [mailbox], consented: false },
    ),
  });
  http = sandboxClient(sandbox);
});

test.after.each(async () => {
  http.close();
  await sandbox.cleanup();
});

/** The agent's token source for an app of the sandbox (its own cache: tests do not share tokens). */
function tokens(clientId = SMTP_APP, credential?: ClientCredential, secret = SECRET): ClientCredentialsTokenSource {
  const kind = credential ?? { kind: 'secret', secretRef: { env: 'UNUSED' } };
  return new ClientCredentialsTokenSource({
    credentials: credentialsFor(sandbox, kind, { clientId }),
    secrets: kind.kind === 'secret' ? { clientSecret: secret } : { certificate: { certPem: appCert.certPem, keyPem: appCert.keyPem } },
    scope: OUTLOOK_SCOPE, http, now: agentClock.now, cache: tokenCache(),
  });
}

async function transport(source: ClientCredentialsTokenSource, username = mailbox): Promise<SmtpTransport> {
  return new SmtpTransport({
    host: '127.0.0.1', port: sandbox.smtp!.port, security: 'starttls', auth: { kind: 'xoauth2', username, tokens: source },
    rejectUnauthorized: true, secureContext: await trustContext(sandbox.caPath), timeoutMs: 10_000,
  }, { now: agentClock.now });
}

function message(id: string, from = mailbox): OutgoingMessage {
  const mime = Buffer.from(`From: ${from}\r\nTo: ops@sandbox.test\r\nSubject: xoauth2 ${id}\r\nMessage-ID: <${id}@test>\r\n\r\nbody of ${id}\r\n`);
  return { messageId: `<${id}@test>`, from, to: ['ops@sandbox.test'], cc: [], bcc: [], subject: `xoauth2 ${id}`, mime };
}

const delivered = async (id: string) => (await sandbox.deliveriesList()).filter((d) => d.messageId === `<${id}@test>`);

test('verify with a client secret: an Exchange Online token, AUTH XOAUTH2 as the mailbox, nothing sent; the token\'s expiry in the info', async () => {
  const source = tokens();
  const smtp = await transport(source);
  const info = await smtp.verify();
  const expires = source.expiresAt();
  assert.ok(expires);
  assert.equal(info, {
    service: 'smtp', endpoint: `smtp://127.0.0.1:${sandbox.smtp!.port}`, auth: 'xoauth2', account: mailbox, tokenExpiresAt: expires.toISOString(),
  });
  assert.equal(smtp.tokenExpiresAt(), expires);
  const claims = claimsOf((await source.token()).value);
  assert.equal([claims.aud, claims.roles], ['https://outlook.office365.com', ['SMTP.SendAsApp']]);
  assert.is(http.tokenRequests(), 1);
  assert.is((await sandbox.deliveriesList()).length, 0);
  await smtp.close();
});

test('send with a certificate (client assertion): delivered from the mailbox over SMTP', async () => {
  const smtp = await transport(tokens(SMTP_APP, certificateCredential));
  await smtp.send(message('cert-1'));
  const [d] = await delivered('cert-1');
  assert.ok(d, 'delivered');
  assert.equal((d as unknown as { account: string; operation: string; from: string }).operation, 'SMTP');
  assert.equal((d as unknown as { from: string }).from, mailbox);
  await smtp.close();
});

test('no SMTP.SendAsApp in the token (permission not granted, or not consented): PermissionMissing with 535 5.7.3, after one new token', async () => {
  for (const app of [NO_ROLE_APP, UNCONSENTED_APP]) {
    const before = http.tokenRequests();
    const err = await agentErrorOf((await transport(tokens(app))).verify());
    assert.equal([err.code, err.serverCode, err.transient], ['PermissionMissing', '535 5.7.3', false], app);
    assert.match(err.message, /the app's token carries no SMTP\.SendAsApp — add the application permission SMTP\.SendAsApp \(Office 365 Exchange Online\) to the app registration and grant admin consent/);
    assert.match(err.message, /answered AUTH XOAUTH2 with "535 5\.7\.3 Authentication unsuccessful"/);
    assert.is(http.tokenRequests() - before, 2, 'one retry with a new token, no more');
    assert.ok(classifyFailure(err).transient, 'notifications wait for the app to be fixed');
  }
});

test('a mailbox outside the app\'s scope (RBAC, or no mailbox permission): PermissionMissing naming New-ServicePrincipal and Add-MailboxPermission', async () => {
  const err = await agentErrorOf((await transport(tokens(), 'ops@sandbox.test')).verify());
  assert.equal([err.code, err.serverCode], ['PermissionMissing', '535 5.7.3']);
  assert.match(err.message, /^the server refused XOAUTH2 for mailbox ops@sandbox\.test although the app's token carries SMTP\.SendAsApp: .*New-ServicePrincipal.*Add-MailboxPermission -AccessRights FullAccess/);
});

test('SMTP AUTH turned off for the mailbox: SmtpAuthDisabled (535 5.7.139), with no second token', async () => {
  const err = await agentErrorOf((await transport(tokens(), 'locked@sandbox.test')).verify());
  assert.equal([err.code, err.serverCode], ['SmtpAuthDisabled', '535 5.7.139']);
  assert.is(http.tokenRequests(), 1);
});

test('identity errors keep their reason and AADSTS code: a wrong secret, an unknown app; the secret never shows', async () => {
  const wrong = await agentErrorOf((await transport(tokens(SMTP_APP, undefined, 'not-the-secret'))).verify());
  assert.equal([wrong.code, wrong.serverCode], ['ClientSecretInvalid', 'AADSTS7000215']);
  assert.not.match(wrong.message, 'not-the-secret');
  const unknown = await agentErrorOf((await transport(tokens('22222222-0000-0000-0000-0000000000ff'))).verify());
  assert.equal([unknown.code, unknown.serverCode], ['ApplicationNotFound', 'AADSTS700016']);
});

test('the token is refreshed before it expires, and a kept session is not used past its token\'s expiry', async () => {
  const source = tokens();
  const smtp = await transport(source);
  await smtp.send(message('refresh-1'));
  const first = smtp.tokenExpiresAt();
  assert.is(http.tokenRequests(), 1);
  // Within the five minutes before expiry: the kept session (still signed in with a valid token) is reused.
  sandboxClock.advance(HOUR - 200_000);
  agentClock.advance(HOUR - 200_000);
  await smtp.send(message('refresh-2'));
  assert.is(http.tokenRequests(), 1, 'the kept session needed no token');
  // The token source hands out a new token from now on.
  assert.is.not((await source.token()).expiresAt.getTime(), first?.getTime());
  assert.is(http.tokenRequests(), 2);
  // Past the first token's expiry, the kept session (signed in with it) is retired; a new one signs in with the new token.
  sandboxClock.advance(300_000);
  agentClock.advance(300_000);
  await smtp.send(message('refresh-3'));
  assert.is(http.tokenRequests(), 2);
  assert.ok(smtp.tokenExpiresAt()!.getTime() > first!.getTime());
  for (const id of ['refresh-1', 'refresh-2', 'refresh-3']) assert.is((await delivered(id)).length, 1, id);
  await smtp.close();
});

test('a token the server refuses as expired (the clocks disagree): one new token, AUTH again, sent', async () => {
  const source = tokens();
  const smtp = await transport(source);
  await smtp.verify();
  // The sandbox's clock runs two hours ahead: the token the agent holds is expired there, not here.
  sandboxClock.advance(2 * 3600_000);
  await smtp.send(message('expired-1'));
  assert.is(http.tokenRequests(), 2);
  assert.is((await delivered('expired-1')).length, 1);
  await smtp.close();
});

test.run();
