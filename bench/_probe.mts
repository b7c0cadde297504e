import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../agent/sandbox/index.ts';
import { buildDirectory } from '../agent/sandbox/users.ts';
import { createNtlmAcceptor } from '../agent/ntlm/server.ts';
import { createTransport } from '../agent/transports/index.ts';
import { Spool } from '../agent/queue/spool.ts';
import { submitNotification } from '../agent/queue/submit.ts';
import { DeliveryWorker } from '../agent/queue/worker.ts';
import { NotificationsLogWriter } from '../agent/notifications-log/log-writer.ts';
const user = { username: 'BENCH\\notify', password: 'bench-Passw0rd', email: 'notify@bench.test' };
const dataDir = await mkdtemp(join(tmpdir(), 'probe-'));
const sandbox = await startSandbox({ dataDir, ntlm: createNtlmAcceptor, directory: buildDirectory({ users: [user], tokens: [] }) });
const t = await createTransport({ path: '/x', revision: 'sha256:x', settingsDigest: 'sha256:x', referencedFiles: [], warnings: [], secrets: { password: user.password },
  settings: { apiVersion: 'mail-agent/v1', kind: 'MailSettings', service: 'ews', test: { onChange: false }, message: { charset: 'utf-8', plainText: true, fromDelegation: false },
  ews: { url: sandbox.url, endpointSource: 'url', username: user.username, auth: 'ntlm', version: 'Exchange2016', rejectInvalidCertificates: true, caFile: sandbox.caPath, allowInsecureHttp: false, saveCopy: true } } } as never, { timeoutMs: 30000 });
await t.verify();
const spool = await Spool.open(join(dataDir, 'state'));
const N = 1000;
for (let i = 0; i < N; i++) await submitNotification(spool, { to: ['ops@bench.test'], subject: `p ${i}`, body: 'x' }, { charset: 'utf-8', plainText: true, fromDelegation: false }, { cwd: dataDir });
let done = 0; let fin!: () => void; const all = new Promise<void>((r) => { fin = r; });
const w = new DeliveryWorker({ spool, getTransport: () => t, concurrency: Number(process.env.C ?? 32), log: new NotificationsLogWriter(join(dataDir, 'state', 'n.log')), onOutcome: () => { if (++done === N) fin(); } });
const t0 = performance.now();
await w.start(); await all;
console.log('per sec', N / ((performance.now() - t0) / 1000));
await w.stop(); await t.close(); await sandbox.close();
