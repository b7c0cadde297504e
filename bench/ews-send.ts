// 1,000 sends through our EWS transport vs a plain ews-javascript-api loop with @ewsjs/xhr NTLM, to the
// sandbox over HTTPS + NTLM, in the same run (interleaved blocks, so drift hits both alike).
// Run: node --import tsx bench/ews-send.ts [sends]  → bench/results/ews-send.json
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ConfigurationApi, EmailMessage, ExchangeService, ExchangeVersion, MimeContent, Uri, WebCredentials, WellKnownFolderName } from 'ews-javascript-api';
import { XhrApi } from '@ewsjs/xhr';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { LoadedConfig } from '../agent/config/settings.ts';
import { createNtlmAcceptor } from '../agent/sandbox/auth/ntlm-server.ts';
import { startSandbox } from '../agent/sandbox/index.ts';
import { buildDirectory } from '../agent/sandbox/users.ts';
import type { EwsTransport } from '../agent/transports/ews/transport.ts';
import { createTransport } from '../agent/transports/index.ts';

const sends = Number(process.argv[2] ?? 1000);
const blocks = 10;
const user = { username: 'BENCH\\notify', password: 'bench-Passw0rd', email: 'notify@bench.test' };

const dataDir = await mkdtemp(path.join(tmpdir(), 'bench-ews-'));
const sandbox = await startSandbox({
  dataDir, ntlm: createNtlmAcceptor,
  directory: buildDirectory({ users: [{ ...user }], tokens: [] }),
});

let counter = 0;
async function mime(): Promise<{ messageId: string; mime: Buffer }> {
  counter += 1;
  const messageId = `<bench-${counter}@bench.test>`;
  const built = await new MailComposer({ from: user.email, to: 'ops@bench.test', subject: `bench ${counter}`, text: 'benchmark message', messageId }).compile().build();
  return { messageId, mime: built };
}

const config: LoadedConfig = {
  path: '/bench', revision: 'sha256:bench', settingsDigest: 'sha256:bench', referencedFiles: [], warnings: [],
  secrets: { password: user.password },
  settings: {
    apiVersion: 'mail-agent/v1', kind: 'MailSettings', service: 'ews', test: { onChange: false },
    message: { charset: 'utf-8', plainText: true, fromDelegation: false },
    ews: {
      url: sandbox.url, endpointSource: 'url', username: user.username, auth: 'ntlm', version: 'Exchange2016',
      rejectInvalidCertificates: true, caFile: sandbox.caPath, allowInsecureHttp: false, saveCopy: true,
    },
  },
};
const ours = await createTransport(config, { timeoutMs: 30_000 }) as EwsTransport;
await ours.verify();

const peer = new ExchangeService(ExchangeVersion.Exchange2016);
peer.Credentials = new WebCredentials(user.username, user.password);
peer.Url = new Uri(sandbox.url);
// @ewsjs/xhr's NTLM provider makes its own https.Agent from rejectUnauthorized alone (a `ca` is dropped), so
// the peer cannot trust the sandbox CA: it runs without certificate checks, which only spares it work.
ConfigurationApi.ConfigureXHR(new XhrApi({ rejectUnauthorized: false }).useNtlmAuthentication(user.username, user.password));

type Composed = Awaited<ReturnType<typeof mime>>;

async function sendOurs(m: Composed): Promise<void> {
  await ours.send({ messageId: m.messageId, from: user.email, to: ['ops@bench.test'], cc: [], bcc: [], subject: 'bench', mime: m.mime });
}
async function sendPeer(m: Composed): Promise<void> {
  const item = new EmailMessage(peer);
  item.MimeContent = new MimeContent('UTF-8', m.mime.toString('base64'));
  await item.SendAndSaveCopy(WellKnownFolderName.SentItems);
}

/** Composes the messages first, so only the sending is timed. */
async function timed(send: (m: Composed) => Promise<void>, n: number, into: number[]): Promise<void> {
  const messages: Composed[] = [];
  for (let i = 0; i < n; i += 1) messages.push(await mime());
  for (const m of messages) {
    const start = performance.now();
    await send(m);
    into.push(performance.now() - start);
  }
}

for (const warm of [sendOurs, sendPeer]) await timed(warm, 10, []);
const samples = { ours: [] as number[], peer: [] as number[] };
for (let b = 0; b < blocks; b += 1) {
  await timed(sendOurs, Math.ceil(sends / blocks), samples.ours);
  await timed(sendPeer, Math.ceil(sends / blocks), samples.peer);
}

const stats = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const total = xs.reduce((a, b) => a + b, 0);
  return { sends: xs.length, totalMs: Math.round(total), meanMs: +(total / xs.length).toFixed(3), p50Ms: +at(0.5).toFixed(3), p95Ms: +at(0.95).toFixed(3) };
};
const result = {
  benchmark: 'ews-send', at: new Date().toISOString(), node: process.version,
  setup: 'sandbox over HTTPS (ECDSA P-256) + NTLMv2 on loopback, SendAndSaveCopy with MimeContent, sequential sends, 10 interleaved blocks',
  ours: { ...stats(samples.ours), connections: ours.connectionStats() },
  peer: { name: 'ews-javascript-api 0.15.3 + @ewsjs/xhr 3.1.3 NTLM (rejectUnauthorized false: it drops `ca`)', ...stats(samples.peer) },
  ratio: { peerOverOursMean: 0, peerOverOursP50: 0 },
};
result.ratio.peerOverOursMean = +(result.peer.meanMs / result.ours.meanMs).toFixed(2);
result.ratio.peerOverOursP50 = +(result.peer.p50Ms / result.ours.p50Ms).toFixed(2);

await ours.close();
await sandbox.close();
await rm(dataDir, { recursive: true, force: true });
const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'results/ews-send.json');
await mkdir(path.dirname(out), { recursive: true });
await writeFile(out, JSON.stringify(result, null, 2) + '\n');
process.stdout.write(JSON.stringify(result, null, 2) + '\n');
