// The sandbox's auth modes judged by an independent client: Debian's exchangelib, whose requests_ntlm
// sends channel bindings (computed by python3-cryptography from the certificate it saw) and answers a
// Negotiate-only server with NTLM tokens under the Negotiate label, as Windows clients may. The agent's
// side of the same modes is test/transports/ews-auth-modes.test.ts.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildDirectory } from '../../agent/sandbox/users.ts';
import type { AuthEvent, SandboxOptions } from '../../agent/sandbox/index.ts';
import { repoRoot, tempSandbox, type TestSandbox } from './helpers.ts';
import { needTools } from '../helpers/tools.ts';

const run = promisify(execFile);
const SCRIPT = path.join(repoRoot, 'test/sandbox/exchangelib_client.py');
const ACCOUNT = { username: 'CORP\\agent', password: 'S3cret!', email: 'agent@corp.test' };
const directory = buildDirectory({ users: [ACCOUNT] });

interface Result { ok: boolean; error?: string; message?: string }
type Job = Record<string, string | boolean>;
interface Box { sb: TestSandbox; events: AuthEvent[] }

const scenarios: Record<string, { options: Partial<SandboxOptions>; jobs: Job[] }> = {
  negotiate: { options: { authSchemes: ['negotiate'] }, jobs: [{ auth: 'ntlm', subject: 'exchangelib negotiate' }] },
  negotiateAndBasic: { options: { authSchemes: ['negotiate', 'basic'] }, jobs: [{ auth: 'basic', subject: 'exchangelib basic beside negotiate' }] },
  kerberosOnly: { options: { authSchemes: ['negotiate:kerberos'] }, jobs: [{ auth: 'ntlm' }] },
  require: { options: { extendedProtection: 'require' }, jobs: [{ auth: 'ntlm', subject: 'exchangelib epa require' }] },
  requireNegotiate: { options: { authSchemes: ['negotiate'], extendedProtection: 'require' }, jobs: [{ auth: 'ntlm', subject: 'exchangelib epa negotiate' }] },
  allow: { options: { extendedProtection: 'allow' }, jobs: [{ auth: 'ntlm', subject: 'exchangelib epa allow' }] },
  requireNoBinding: { options: { extendedProtection: 'require' }, jobs: [{ auth: 'ntlm', noChannelBinding: true }] },
  ntlmOnly: { options: { authSchemes: ['ntlm'] }, jobs: [{ auth: 'basic' }] },
};
const boxes = new Map<string, Box>();
const results = new Map<string, Result[]>();

if (needTools(import.meta.url, test, ['exchangelib'])) {
  test.before(async () => {
    const jobs: Array<[string, Job]> = [];
    for (const [name, scenario] of Object.entries(scenarios)) {
      const events: AuthEvent[] = [];
      const sb = await tempSandbox({ directory, ...scenario.options, onAuth: (e) => events.push(e) });
      boxes.set(name, { sb, events });
      const base = { url: sb.url, ca: sb.caPath ?? '', username: ACCOUNT.username, password: ACCOUNT.password, email: ACCOUNT.email, to: 'ops@example.test' };
      for (const job of scenario.jobs) jobs.push([name, { ...base, ...job }]);
    }
    const { stdout } = await run('/usr/bin/python3', [SCRIPT, JSON.stringify(jobs.map(([, job]) => job))], { timeout: 120_000 });
    const out = JSON.parse(stdout.trim().split('\n').at(-1) ?? '[]') as Result[];
    jobs.forEach(([name], i) => results.set(name, [...(results.get(name) ?? []), out[i] ?? { ok: false, error: 'NoResult' }]));
  });

  test.after(async () => {
    for (const { sb } of boxes.values()) await sb.cleanup();
  });

  const box = (name: string): Box => {
    const found = boxes.get(name);
    if (!found) throw new Error(`no sandbox ${name}`);
    return found;
  };
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

  test('a scheme the sandbox does not offer (Basic on an NTLM-only server) is refused', () => {
    assert.is(results.get('ntlmOnly')?.[0]?.error, 'UnauthorizedError', JSON.stringify(results.get('ntlmOnly')));
  });
}

test.run();
