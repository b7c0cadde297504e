// EWS with app-only OAuth (Exchange Online's way): a token for Exchange Online's audience from the same
// credential block, every request with X-AnchorMailbox and ExchangeImpersonation for the mailbox, the token
// renewed on a 401 invalid_token; requests valid by Microsoft's EWS schema.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { IncomingHttpHeaders } from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AgentError } from '../../agent/errors.ts';
import { buildDirectory } from '../../agent/sandbox/users.ts';
import { createTransport } from '../../agent/transports/index.ts';
import type { Transport } from '../../agent/transports/transport.ts';
import { validateEnvelopes } from '../helpers/ews-schema.ts';
import { apps, SECRET } from '../helpers/oauth.ts';
import { tempSandbox, type TestSandbox } from '../sandbox/helpers.ts';
import { ewsConfig } from './helpers/config.ts';
import { outgoing } from './helpers/mime.ts';

const EWS_APP = 'eeeeeeee-0000-0000-0000-00000000000a';
let sandbox: TestSandbox;
let transport: Transport | undefined;
const seen: { headers: IncomingHttpHeaders; request: string; operation: string | undefined }[] = [];
const bodies: string[] = [];

test.before.each(async () => {
  seen.length = 0;
  bodies.length = 0;
  sandbox = await tempSandbox({
    directory: buildDirectory({ users: [{ username: 'SANDBOX\\notify', password: 'sandbox', email: 'notify@sandbox.test' }, { username: 'SANDBOX\\ops', password: 'sandbox', email: 'ops@sandbox.test' }] }),
    apps: await apps({ clientId: EWS_APP, secrets: [SECRET], permissions: ['full_access_as_app'], mailboxes: ['notify@sandbox.test'] }),
    tap: (x) => { seen.push({ headers: x.headers ?? {}, request: x.request, operation: x.operation }); },
  });
});
test.after.each(async () => {
  await transport?.close();
  transport = undefined;
  await sandbox.cleanup();
});

async function open(mailbox = 'notify@sandbox.test', secret = SECRET): Promise<Transport> {
  const config = ewsConfig({
    url: sandbox.url, auth: 'oauth', username: mailbox, caFile: sandbox.caPath,
    oauth: { tenant: 'sandbox.test', clientId: EWS_APP, credential: { kind: 'secret', secretRef: { env: 'S' } }, cloud: 'global', authorityHost: `127.0.0.1:${sandbox.port}` },
  }, { clientSecret: secret });
  transport = await createTransport(config, { onRequest: (b) => { bodies.push(b); } });
  return transport;
}

test('verify and send act for the mailbox: X-AnchorMailbox, ExchangeImpersonation, a token for Exchange Online', async () => {
  const t = await open();
  const info = await t.verify();
  assert.equal([info.service, info.auth, info.account], ['ews', 'oauth', 'notify@sandbox.test']);
  assert.ok(Date.parse(info.tokenExpiresAt ?? '') > Date.now());
  await t.send(await outgoing({ from: 'notify@sandbox.test', to: ['ops@sandbox.test'], subject: 'app-only EWS', text: 'x' }));
  const lines = (await readFile(path.join(sandbox.dataDir, 'deliveries.jsonl'), 'utf8')).trim().split('\n');
  assert.equal(lines.map((l) => (JSON.parse(l) as { account: string }).account), ['SANDBOX\\notify']);
  assert.ok(seen.length >= 2);
  for (const x of seen) {
    assert.is(x.headers['x-anchormailbox'], 'notify@sandbox.test');
    assert.match(String(x.headers.authorization), /^Bearer ey/);
    assert.match(x.request, /<t:ExchangeImpersonation><t:ConnectingSID><t:SmtpAddress>notify@sandbox\.test<\/t:SmtpAddress>/);
  }
  await validateEnvelopes(bodies);
});

test('a mailbox outside the app\'s scope: Exchange Online\'s ErrorImpersonateUserDenied', async () => {
  const err = await (await open('ops@sandbox.test')).verify().then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof AgentError);
  assert.is(err.serverCode, 'ErrorImpersonateUserDenied');
});

test('an expired token (401 invalid_token) is renewed and the request repeated', async () => {
  const t = await open();
  await t.verify();
  sandbox.setFaults([{ kind: 'expired', count: 1 }]);
  await t.send(await outgoing({ from: 'notify@sandbox.test', to: ['ops@sandbox.test'], subject: 'after expiry', text: 'x' }));
  const lines = (await readFile(path.join(sandbox.dataDir, 'deliveries.jsonl'), 'utf8')).trim().split('\n');
  assert.is(lines.length, 1);
});

test('a wrong secret is ClientSecretInvalid (AADSTS7000215) at verify', async () => {
  const err = await (await open('notify@sandbox.test', 'nope')).verify().then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof AgentError);
  assert.equal([err.code, err.serverCode], ['ClientSecretInvalid', 'AADSTS7000215']);
});

test.run();
