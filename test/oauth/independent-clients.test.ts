// Clients we did not write get tokens from the sandbox's identity platform, with a secret and with a
// certificate: Microsoft's @azure/msal-node (knownAuthorities with the loopback host; PS256 with
// x5t#S256, and the older RS256 with x5t) and Debian's python3-msal (validate_authority=False; RS256 with
// a padded x5t). Their tokens are accepted by the sandbox's resource check; their refusals carry the same
// AADSTS codes the agent maps.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { AccessTokens, GRAPH_AUDIENCE } from '../../agent/sandbox/identity/access-tokens.ts';
import { SigningKeys } from '../../agent/sandbox/identity/signing-key.ts';
import { needTools } from '../helpers/tools.ts';
import { tempSandbox, type TestSandbox } from '../sandbox/helpers.ts';
import { appCert, apps, claimsOf, CLIENT_ID, GRAPH_SCOPE, SECRET } from '../helpers/oauth.ts';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');

let sandbox: TestSandbox;
let check: AccessTokens;

test.before(async () => {
  const directory = await apps();
  sandbox = await tempSandbox({ apps: directory });
  check = new AccessTokens(new SigningKeys(sandbox.dataDir), directory, () => new Date());
});
test.after(async () => { await sandbox.cleanup(); });

interface ClientAnswer { token?: string; error?: string; errorCode?: string; errorCodes?: number[] }

function input(extra: Record<string, unknown>): string {
  return JSON.stringify({ authority: `https://127.0.0.1:${sandbox.port}/sandbox.test`, clientId: CLIENT_ID, scope: GRAPH_SCOPE, ...extra });
}

const env = () => ({ ...process.env, NODE_EXTRA_CA_CERTS: sandbox.caPath ?? '', REQUESTS_CA_BUNDLE: sandbox.caPath ?? '' });

async function msalNode(extra: Record<string, unknown>): Promise<ClientAnswer> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(here, 'clients/msal-node-client.ts'), input(extra)], { env: env(), cwd: repo });
  return JSON.parse(stdout) as ClientAnswer;
}

async function msalPython(extra: Record<string, unknown>): Promise<ClientAnswer> {
  const { stdout } = await run('/usr/bin/python3', [path.join(here, 'clients/msal_client.py'), input(extra)], { env: env() });
  return JSON.parse(stdout) as ClientAnswer;
}

async function accepted(answer: ClientAnswer): Promise<void> {
  if (!answer.token) throw new Error(`no token: ${JSON.stringify(answer)}`);
  const checked = await check.check(answer.token, GRAPH_AUDIENCE);
  assert.ok(checked.ok, 'the sandbox accepts the token for Graph');
  assert.equal(claimsOf(answer.token).roles, ['Mail.Send', 'Mail.ReadBasic']);
}

test('msal-node: client secret', async () => {
  await accepted(await msalNode({ secret: SECRET }));
});

test('msal-node: certificate, PS256 with x5t#S256', async () => {
  await accepted(await msalNode({ certificate: { privateKey: appCert.keyPem, thumbprintSha256: appCert.sha256Hex } }));
});

test('msal-node: certificate, RS256 with the SHA-1 x5t', async () => {
  await accepted(await msalNode({ certificate: { privateKey: appCert.keyPem, thumbprint: appCert.sha1Hex } }));
});

test('msal-node: a wrong secret is refused with AADSTS7000215', async () => {
  const answer = await msalNode({ secret: 'not-the-secret' });
  assert.is(answer.token, undefined);
  assert.match(answer.error ?? '', /7000215/);
});

if (needTools(import.meta.url, test, ['msal'])) {
  test('python3-msal: client secret', async () => {
    await accepted(await msalPython({ secret: SECRET }));
  });

  test('python3-msal: certificate (RS256, x5t)', async () => {
    await accepted(await msalPython({ certificate: { privateKey: appCert.keyPem, thumbprint: appCert.sha1Hex } }));
  });

  test('python3-msal: a wrong secret and an unknown tenant are refused with their AADSTS codes', async () => {
    assert.equal((await msalPython({ secret: 'not-the-secret' })).errorCodes, [7000215]);
    const tenant = await msalPython({ secret: SECRET, authority: `https://127.0.0.1:${sandbox.port}/fabrikam.test` });
    assert.match(tenant.error ?? '', /AADSTS90002/);
  });
}

test.run();
