// The sandbox's SMTP port with app-only tokens, judged by clients we did not write: Debian's python3-msal gets
// a token for Exchange Online (https://outlook.office365.com/.default) from the sandbox's identity platform,
// with a client secret and with a certificate, and Python's smtplib presents it with AUTH XOAUTH2 as the
// mailbox (SMTP.SendAsApp's user=). An app without SMTP.SendAsApp, or a mailbox outside the app's scope, is
// refused with Exchange Online's 535 5.7.3; a Graph token is no SMTP token.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildDirectory } from '../../agent/sandbox/users.ts';
import { appCert, apps, GRAPH_SCOPE, OUTLOOK_SCOPE, SECRET } from '../helpers/oauth.ts';
import { smtplib, type SmtplibResult } from '../helpers/smtp-clients.ts';
import { needTools } from '../helpers/tools.ts';
import { repoRoot, tempSandbox, type TestSandbox } from './helpers.ts';

const run = promisify(execFile);
const SMTP_APP = '33333333-0000-0000-0000-000000000001';
const GRAPH_APP = '33333333-0000-0000-0000-000000000002';
const mailbox = 'notify@sandbox.test';

let sandbox: TestSandbox;

/** A token from python3-msal (test/oauth/clients/msal_client.py), trusting the sandbox's CA. */
async function msalToken(clientId: string, credential: Record<string, unknown>, scope = OUTLOOK_SCOPE): Promise<string> {
  const input = JSON.stringify({ authority: `https://127.0.0.1:${sandbox.port}/sandbox.test`, clientId, scope, ...credential });
  const { stdout } = await run('/usr/bin/python3', [path.join(repoRoot, 'test/oauth/clients/msal_client.py'), input],
    { env: { ...process.env, REQUESTS_CA_BUNDLE: sandbox.caPath ?? '' } });
  const answer = JSON.parse(stdout) as { token?: string; error?: string };
  if (!answer.token) throw new Error(`python3-msal got no token: ${stdout}`);
  return answer.token;
}

function send(user: string, token: string, id: string): Promise<SmtplibResult> {
  return smtplib({
    host: '127.0.0.1', port: sandbox.smtp!.port, starttls: true, ca: sandbox.caPath!, mechanism: 'XOAUTH2', user, password: token,
    from: user, to: ['ops@sandbox.test'],
    message: `From: ${user}\r\nTo: ops@sandbox.test\r\nSubject: smtplib xoauth2 ${id}\r\nMessage-ID: <${id}@client.test>\r\n\r\nDisk almost full\r\n`,
  });
}

const delivered = async (id: string) => (await sandbox.deliveriesList()).filter((d) => d.messageId === `<${id}@client.test>`).length;

if (needTools(import.meta.url, test, ['smtplib', 'msal'])) {
  test.before(async () => {
    sandbox = await tempSandbox({
      smtpPort: 0,
      directory: buildDirectory({ users: [
        { username: 'SANDBOX\\notify', password: 'sandbox', email: mailbox },
        { username: 'SANDBOX\\ops', password: 'sandbox', email: 'ops@sandbox.test' },
      ] }),
      apps: await apps(
        { clientId: SMTP_APP, secrets: [SECRET], certificates: [appCert.certPem], permissions: ['SMTP.SendAsApp'], mailboxes: [mailbox] },
        { clientId: GRAPH_APP, secrets: [SECRET], permissions: ['Mail.Send'], mailboxes: [mailbox] },
      ),
    });
  });
  test.after(async () => {
    await sandbox?.cleanup();
  });

  test('python3-msal token (client secret), smtplib AUTH XOAUTH2 as the mailbox: 235, then delivered', async () => {
    const result = await send(mailbox, await msalToken(SMTP_APP, { secret: SECRET }), 'msal-secret');
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.replies[0], { code: 235, text: '2.7.0 Authentication successful' });
    assert.is(await delivered('msal-secret'), 1);
  });

  test('python3-msal token (certificate, RS256 with x5t): accepted the same way', async () => {
    const result = await send(mailbox, await msalToken(SMTP_APP, { certificate: { privateKey: appCert.keyPem, thumbprint: appCert.sha1Hex } }), 'msal-cert');
    assert.ok(result.ok, JSON.stringify(result));
    assert.is(await delivered('msal-cert'), 1);
  });

  test('refused with 535 5.7.3: an app without SMTP.SendAsApp, a mailbox outside the app\'s scope, a Graph token', async () => {
    const refusals = [
      await send(mailbox, await msalToken(GRAPH_APP, { secret: SECRET }), 'no-role'),
      await send('ops@sandbox.test', await msalToken(SMTP_APP, { secret: SECRET }), 'out-of-scope'),
      await send(mailbox, await msalToken(SMTP_APP, { secret: SECRET }, GRAPH_SCOPE), 'graph-audience'),
    ];
    for (const result of refusals) {
      assert.equal(result.error, { kind: 'SMTPAuthenticationError', code: 535, text: '5.7.3 Authentication unsuccessful' }, JSON.stringify(result));
    }
    for (const id of ['no-role', 'out-of-scope', 'graph-audience']) assert.is(await delivered(id), 0, id);
  });
}

test.run();
