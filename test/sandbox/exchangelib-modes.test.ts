// The sandbox's auth modes judged by an independent client: Debian's exchangelib, whose requests_ntlm
// sends channel bindings (computed by python3-cryptography from the certificate it saw) and answers a
// Negotiate-only server with NTLM tokens under the Negotiate label, as Windows clients may. Bearer: Debian's
// python3-msal gets an app-only token from the sandbox's identity platform (client credentials, Exchange
// Online's .default scope) and exchangelib sends with it, impersonating the mailbox as Exchange Online
// requires of app-only tokens. The agent's side of the same modes is test/transports/ews-auth-modes.test.ts
// and test/transports/ews-app-only.test.ts.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AccessTokens, OUTLOOK_AUDIENCE } from '../../agent/sandbox/identity/access-tokens.ts';
import { buildApps } from '../../agent/sandbox/identity/apps.ts';
import { SigningKeys } from '../../agent/sandbox/identity/signing-key.ts';
import type { AuthEvent } from '../../agent/sandbox/index.ts';
import { ACCOUNT, directory, scenarioHooks, type Job, type Scenario } from './exchangelib-jobs.ts';
import { tempSandbox, type TestSandbox } from './helpers.ts';
import { CLIENT_ID, GRAPH_SCOPE, SECRET } from '../helpers/oauth.ts';
import { needTools } from '../helpers/tools.ts';

interface Result { ok: boolean; error?: string; message?: string }
interface Box { sb: TestSandbox; events: AuthEvent[] }

// An app of the mailbox's tenant holding Exchange Online's full_access_as_app for that mailbox.
const TENANT = ACCOUNT.email.split('@')[1] ?? '';
const bearerApps = await buildApps({ apps: [{ clientId: CLIENT_ID, tenant: TENANT, secrets: [SECRET], permissions: ['full_access_as_app'], mailboxes: [ACCOUNT.email] }] });
const msalApp = { auth: 'bearer', tenant: TENANT, clientId: CLIENT_ID, secret: SECRET };

/** A token the sandbox signed for Exchange Online two hours ago (its lifetime is one hour). */
async function expiredToken(sb: TestSandbox): Promise<string> {
  const app = bearerApps.apps[0];
  if (!app) throw new Error('no app');
  const twoHoursAgo = () => new Date(Date.now() - 2 * 3600_000);
  return (await new AccessTokens(new SigningKeys(sb.dataDir), bearerApps, twoHoursAgo).issue(app, OUTLOOK_AUDIENCE)).token;
}

const scenarios: Record<string, Scenario> = {
  negotiate: { options: { authSchemes: ['negotiate'] }, jobs: [{ auth: 'ntlm', subject: 'exchangelib negotiate' }] },
  negotiateAndBasic: { options: { authSchemes: ['negotiate', 'basic'] }, jobs: [{ auth: 'basic', subject: 'exchangelib basic beside negotiate' }] },
  kerberosOnly: { options: { authSchemes: ['negotiate:kerberos'] }, jobs: [{ auth: 'ntlm' }] },
  require: { options: { extendedProtection: 'require' }, jobs: [{ auth: 'ntlm', subject: 'exchangelib epa require' }] },
  requireNegotiate: { options: { authSchemes: ['negotiate'], extendedProtection: 'require' }, jobs: [{ auth: 'ntlm', subject: 'exchangelib epa negotiate' }] },
  allow: { options: { extendedProtection: 'allow' }, jobs: [{ auth: 'ntlm', subject: 'exchangelib epa allow' }] },
  requireNoBinding: { options: { extendedProtection: 'require' }, jobs: [{ auth: 'ntlm', noChannelBinding: true }] },
  ntlmOnly: { options: { authSchemes: ['ntlm'] }, jobs: [{ auth: 'basic' }] },
  // The refused tokens first: the good one's delivery, last, proves theirs did not happen.
  bearer: {
    options: { authSchemes: ['bearer'], apps: bearerApps },
    jobs: async (sb): Promise<Job[]> => [
      { ...msalApp, scope: GRAPH_SCOPE, subject: 'bearer for Graph' },
      { ...msalApp, tamper: true, subject: 'bearer tampered' },
      { auth: 'bearer', token: await expiredToken(sb), subject: 'bearer expired' },
      { ...msalApp, delegate: true, subject: 'bearer without impersonation' },
      { ...msalApp, subject: 'exchangelib bearer' },
    ],
  },
};

if (needTools(import.meta.url, test, ['exchangelib', 'msal'])) {
  const { box, results } = scenarioHooks<Box, Result>(test, scenarios, async (options) => {
    const events: AuthEvent[] = [];
    return { sb: await tempSandbox({ directory, ...options, onAuth: (e) => events.push(e) }), events };
  });
  const deliveries = async (name: string): Promise<Array<{ subject: string }>> => {
    const text = await readFile(path.join(box(name).sb.dataDir, 'deliveries.jsonl'), 'utf8').catch(() => '');
    return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { subject: string });
  };
  const delivered = async (name: string, subject: string): Promise<boolean> => (await deliveries(name)).some((d) => d.subject === subject);

  test('negotiate only: exchangelib (requests_ntlm) sends NTLM under the Negotiate label; the sandbox takes it, as IIS does', async () => {
    assert.equal(results.get('negotiate'), [{ ok: true, version: 'Exchange2016', build: '15.1.2507.6' }]);
    const ok = box('negotiate').events.filter((e) => e.ok);
    assert.ok(ok.length > 0 && ok.every((e) => e.scheme === 'negotiate' && e.spnego === false), JSON.stringify(ok));
    assert.ok(await delivered('negotiate', 'exchangelib negotiate'));
  });

  test('negotiate and basic: Basic still works beside Negotiate', async () => {
    assert.is(results.get('negotiateAndBasic')?.[0]?.ok, true, JSON.stringify(results.get('negotiateAndBasic')));
    assert.ok(await delivered('negotiateAndBasic', 'exchangelib basic beside negotiate'));
  });

  test('Kerberos only: exchangelib is refused too (no NTLM challenge comes back)', async () => {
    assert.is(results.get('kerberosOnly')?.[0]?.ok, false);
    assert.is((await deliveries('kerberosOnly')).length, 0);
  });

  test('extended protection require: requests_ntlm\'s channel binding equals the sandbox\'s tls-server-end-point hash', async () => {
    for (const name of ['require', 'requireNegotiate', 'allow']) {
      assert.is(results.get(name)?.[0]?.ok, true, `${name}: ${JSON.stringify(results.get(name))}`);
      const ok = box(name).events.filter((e) => e.ok);
      assert.ok(ok.length > 0 && ok.every((e) => e.channelBinding === 'match'), `${name}: ${JSON.stringify(box(name).events)}`);
    }
    assert.ok(await delivered('require', 'exchangelib epa require'));
  });

  test('extended protection require: exchangelib without channel binding (send_cbt off) is refused', () => {
    assert.is(results.get('requireNoBinding')?.[0]?.error, 'UnauthorizedError', JSON.stringify(results.get('requireNoBinding')));
    assert.equal(box('requireNoBinding').events.map((e) => e.reason).filter(Boolean).slice(0, 1), ['extended protection requires a channel binding']);
  });

  test('bearer: python3-msal\'s app-only token for Exchange Online, exchangelib impersonating the mailbox, sends', async () => {
    assert.equal(results.get('bearer')?.[4], { ok: true, version: 'Exchange2016', build: '15.1.2507.6' }, JSON.stringify(results.get('bearer')));
    const ok = box('bearer').events.filter((e) => e.ok);
    assert.ok(ok.length > 0 && ok.every((e) => e.scheme === 'bearer'), JSON.stringify(box('bearer').events));
    assert.equal((await deliveries('bearer')).map((d) => d.subject), ['exchangelib bearer']);
  });

  test('bearer: a token for Graph, a tampered one and an expired one are refused (401 invalid_token: exchangelib\'s UnauthorizedError)', () => {
    assert.equal(results.get('bearer')?.slice(0, 3).map((r) => r.error), ['UnauthorizedError', 'UnauthorizedError', 'UnauthorizedError'], JSON.stringify(results.get('bearer')));
    const refused = box('bearer').events.filter((e) => !e.ok).map((e) => e.reason);
    assert.equal([...new Set(refused)], ['audience', 'signature', 'expired']);
  });

  test('bearer: an app-only token without ExchangeImpersonation is refused with Exchange Online\'s fault (exchangelib issues #735, #757)', () => {
    const answer = results.get('bearer')?.[3];
    assert.is(answer?.ok, false);
    assert.match(answer?.message ?? '', /ErrorInvalidExchangeImpersonationHeaderData\('ExchangeImpersonation SOAP header must be present for this type of OAuth token\.'\)/);
  });

  test('a scheme the sandbox does not offer (Basic on an NTLM-only server) is refused', () => {
    assert.is(results.get('ntlmOnly')?.[0]?.error, 'UnauthorizedError', JSON.stringify(results.get('ntlmOnly')));
  });
}

test.run();
