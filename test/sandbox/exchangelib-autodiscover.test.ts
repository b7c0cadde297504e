// The sandbox's Autodiscover judged by an independent client: Debian's exchangelib runs its own Autodiscover
// (POX; https://<domain>, https://autodiscover.<domain>, the plain-HTTP 302, SRV) against the organisation
// of test/fixtures/autodiscover/users.yaml, through a DNS server and a getaddrinfo mapping that point the
// scenario's names at the sandbox (exchangelib_autodiscover.py says how), then sends through what it found.
// The agent's side of the same scenarios: test/transports/ews-autodiscover.test.ts and test/run/e2e-autodiscover.test.ts.
// Where exchangelib 4.9 parts from Microsoft's documentation it is not used as the judge (docs/sandbox.md).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startSandbox, type Sandbox } from '../../agent/sandbox/index.ts';
import { repoRoot } from './helpers.ts';
import { needTools } from '../helpers/tools.ts';

const run = promisify(execFile);
const SCRIPT = path.join(repoRoot, 'test/sandbox/exchangelib_autodiscover.py');
const USERS = path.join(repoRoot, 'test/fixtures/autodiscover/users.yaml');

interface Result { ok: boolean; endpoint?: string; error?: string; message?: string }
interface Scenario { email: string; username: string; names: string[]; subject: string }

const scenarios: Record<string, Scenario> = {
  redirectAddr: { email: 'hybrid@contoso.test', username: 'CONTOSO\\hybrid', names: ['autodiscover.contoso.test', 'autodiscover.cloud.test', 'outlook.cloud.test'], subject: 'exchangelib redirectAddr' },
  external: { email: 'svc-notify@contoso.test', username: 'CONTOSO\\svc-notify', names: ['autodiscover.contoso.test', 'mail.contoso.test', 'exch01.corp.contoso.test'], subject: 'exchangelib external' },
  http302: { email: 'notify@tailspin.test', username: 'TAILSPIN\\notify', names: ['autodiscover.tailspin.test', 'autodiscover.hosting.test', 'mail.hosting.test'], subject: 'exchangelib 302' },
  httpProbe: { email: 'notify@northwind.test', username: 'NORTHWIND\\notify', names: ['autodiscover.northwind.test:80', 'autodiscover-s.northwind.test', 'mail.northwind.test'], subject: 'exchangelib http probe' },
  srv: { email: 'notify@adatum.test', username: 'ADATUM\\notify', names: ['_autodiscover._tcp.adatum.test', 'autodiscover-srv.adatum.test', 'backup.adatum.test', 'mail.adatum.test'], subject: 'exchangelib srv' },
  loop: { email: 'loop@loop-a.test', username: 'LOOP\\a', names: ['autodiscover.loop-a.test', 'autodiscover.loop-b.test'], subject: 'exchangelib loop' },
};

let sandbox: Sandbox;
let dataDir: string;
let pythonTmp: string;
const results = new Map<string, Result>();

if (needTools(import.meta.url, test, ['exchangelib'])) {
  test.before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'exchangelib-autodiscover-'));
    pythonTmp = await mkdtemp(path.join(tmpdir(), 'exchangelib-cache-'));
    sandbox = await startSandbox({ dataDir, usersFile: USERS });
    const jobs = Object.values(scenarios).map((s) => ({
      email: s.email, username: s.username, password: 'T3st-Passw0rd!', ca: sandbox.caPath, to: 'ops@contoso.test', subject: s.subject,
      resolve: sandbox.resolve.resolve.filter((spec) => {
        const [host, port] = spec.split(':');
        return s.names.includes(host ?? '') || s.names.includes(`${host}:${port}`);
      }),
      srv: sandbox.resolve.resolveSrv.filter((spec) => s.names.includes(spec.split(':')[0] ?? '')),
    }));
    // exchangelib keeps an Autodiscover cache in the temp dir: a private one per run.
    const { stdout } = await run('/usr/bin/python3', [SCRIPT, JSON.stringify(jobs)], { timeout: 180_000, env: { ...process.env, TMPDIR: pythonTmp } });
    const out = JSON.parse(stdout.trim().split('\n').at(-1) ?? '[]') as Result[];
    Object.keys(scenarios).forEach((name, i) => results.set(name, out[i] ?? { ok: false, error: 'NoResult' }));
  });

  test.after(async () => {
    await sandbox.close();
    await rm(dataDir, { recursive: true, force: true });
    await rm(pythonTmp, { recursive: true, force: true });
  });

  const subjects = async (): Promise<string[]> => (await readFile(path.join(dataDir, 'deliveries.jsonl'), 'utf8').catch(() => ''))
    .split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { subject: string }).subject);

  const expectations: Array<[string, string, string]> = [
    ['redirectAddr', 'RedirectAddr to another domain (hybrid@contoso.test → hybrid@cloud.test)', 'https://outlook.cloud.test/EWS/Exchange.asmx'],
    ['external', 'EXPR (external) chosen over EXCH (internal)', 'https://mail.contoso.test/EWS/Exchange.asmx'],
    ['http302', 'an HTTP 302 from the https endpoint to another Autodiscover server', 'https://mail.hosting.test/EWS/Exchange.asmx'],
    ['httpProbe', 'the unauthenticated GET on http://autodiscover.<domain> and its 302', 'https://mail.northwind.test/EWS/Exchange.asmx'],
    ['srv', 'SRV _autodiscover._tcp.<domain>', 'https://mail.adatum.test/EWS/Exchange.asmx'],
  ];
  for (const [name, what, endpoint] of expectations) {
    test(`exchangelib finds the EWS URL by ${what}, and sends through it`, async () => {
      assert.equal(results.get(name), { ok: true, endpoint }, JSON.stringify(results.get(name)));
      assert.ok((await subjects()).includes(scenarios[name]?.subject ?? ''), 'the message was delivered');
    });
  }

  test('a redirect loop: exchangelib stops too (at the first repeated address, its own rule)', () => {
    assert.is(results.get('loop')?.error, 'AutoDiscoverCircularRedirect', JSON.stringify(results.get('loop')));
  });
}

test.run();
