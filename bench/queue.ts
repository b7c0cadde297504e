// Spool and worker overhead without a network: enqueue rate (each fsynced) and delivery rate through the
// dry-run transport (in memory, so the figure is the queue's own cost per notification: read, attempt
// marker fsync, delivered record fsync, log line). Run: node --import tsx bench/queue.ts
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotificationsLogWriter } from '../agent/notifications-log/log-writer.ts';
import { Spool } from '../agent/queue/spool.ts';
import { submitNotification } from '../agent/queue/submit.ts';
import { DeliveryWorker } from '../agent/queue/worker.ts';
import { statePaths } from '../agent/state/layout.ts';
import { DryRunTransport } from '../test/helpers/dryrun/dryrun-transport.ts';

const N = Number(process.env.N ?? 500);
const settings = { charset: 'utf-8', plainText: false, fromDelegation: false };

async function once(): Promise<{ enqueuePerSec: number; deliverPerSec: number }> {
  const state = await mkdtemp(join(tmpdir(), 'mail-agent-bench-'));
  try {
    const spool = await Spool.open(state);
    const t0 = performance.now();
    for (let i = 0; i < N; i++) {
      await submitNotification(spool, { to: ['ops@contoso.com'], subject: `bench ${i}`, body: `<p>notification ${i}</p>`, html: true }, settings, { cwd: state });
    }
    const t1 = performance.now();
    const transport = new DryRunTransport();
    let done = 0;
    let finished!: () => void;
    const all = new Promise<void>((r) => { finished = r; });
    const worker = new DeliveryWorker({
      spool, getTransport: () => transport, watch: process.env.WATCH !== "0", // the agent watches pending/ (WATCH=0 to compare)
      log: new NotificationsLogWriter(statePaths(state).notificationsLog),
      onOutcome: () => { if (++done === N) finished(); },
    });
    const t2 = performance.now();
    await worker.start();
    await all;
    const t3 = performance.now();
    await worker.stop();
    return { enqueuePerSec: N / ((t1 - t0) / 1000), deliverPerSec: N / ((t3 - t2) / 1000) };
  } finally {
    await rm(state, { recursive: true, force: true });
  }
}

const runs = [];
for (let i = 0; i < 3; i++) runs.push(await once());
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const result = {
  notifications: N, runs: runs.length,
  enqueuePerSec: Math.round(median(runs.map((r) => r.enqueuePerSec))),
  deliverPerSec: Math.round(median(runs.map((r) => r.deliverPerSec))),
  node: process.version, at: new Date().toISOString(),
};
await writeFile(new URL('./results/queue.json', import.meta.url), JSON.stringify(result, null, 2) + '\n');
console.log(result);
