// Delivery under Exchange's throttling (issue 13): N notifications (default 2,000) queued, then `mail-agent
// run` against the sandbox as its own process with `--message-rate 600/min --sent-items-lag 2000
// --max-connections 4 --fault reset@0.02` (HTTPS, NTLMv2, SendAndSaveCopy). It reports, from the sandbox's
// deliveries.jsonl and throttle.jsonl and the agent's spool and log: delivered, duplicate Message-IDs,
// failed, the delivery rate as a ratio to the allowed rate (first to last delivery; and from the agent's
// start), and the requests that came inside an advised back-off window.
// Run: node --import tsx bench/throttle.ts [n] [rate/min] → bench/results/throttle.json
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Spool } from '../agent/queue/spool.ts';
import { submitNotification } from '../agent/queue/submit.ts';
import { deliveriesWith, repoRoot, startSandboxProcess, startTs } from './throughput/processes.ts';
import { writeEwsSettings, writeUsersFile } from './throughput/agent-settings.ts';

const n = Number(process.argv[2] ?? 2000);
const ratePerMinute = Number(process.argv[3] ?? 600);
const lagMs = 2000;
const maxConnections = 4;
const resetProbability = 0.02;
const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

const root = await mkdtemp(join(tmpdir(), 'bench-throttle-'));
const usersFile = await writeUsersFile(root);
const flags = ['--message-rate', `${ratePerMinute}/min`, '--sent-items-lag', String(lagMs), '--max-connections', String(maxConnections), '--fault', `reset@${resetProbability}`];
const sandbox = await startSandboxProcess(join(root, 'sandbox'), usersFile, flags);
const loadBefore = loadavg();

/** GET /sandbox/limits: messages still in the sandbox's Outbox. */
function outboxWaiting(): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(sandbox.url.replace('/EWS/Exchange.asmx', '/sandbox/limits'), { ca: caPem }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve((JSON.parse(body) as { outboxWaiting: number }).outboxWaiting));
    });
    req.on('error', reject);
    req.end();
  });
}
let caPem = '';

interface ThrottleLine { time: string; event: string; backoffMs?: number; violation?: boolean; sameConnection?: boolean; afterAdviceMs?: number | null; code?: string }
interface LogLine { result: string; code?: string; serverCode?: string; confirmedBy?: string }

async function jsonLines<T>(file: string): Promise<T[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);
}

try {
  caPem = await readFile(sandbox.ca, 'utf8');
  const dir = join(root, 'agent');
  const config = await writeEwsSettings(dir, sandbox, { message: '{ charset: utf-8 }', ews: ['saveCopy: true'] });
  const prefix = 'throttled ';
  const state = join(dir, 'state');
  const spool = await Spool.open(state);
  for (let i = 0; i < n; i++) {
    await submitNotification(spool, { to: ['ops@bench.test'], subject: `${prefix}${i}`, body: `notification ${i}` }, { charset: 'utf-8', plainText: true, fromDelegation: false }, { cwd: dir });
  }
  const started = Date.now();
  const agent = startTs('agent/cli/bin.ts', ['run', '--config', config, '--state-dir', state, '--log-format', 'json']);
  const allowedPerSec = ratePerMinute / 60;
  const deadline = started + (n / allowedPerSec) * 1000 * 2 + 120_000;
  try {
    // Done: every Message-ID delivered, nothing pending in the agent, the Outbox empty (a duplicate still on
    // its way would show up before then).
    for (;;) {
      const got = await deliveriesWith(sandbox.dataDir, prefix);
      const pending = (await readdir(join(state, 'spool', 'pending'))).length;
      if (new Set(got.map((d) => d.messageId)).size >= n && pending === 0 && (await outboxWaiting()) === 0) break;
      if (Date.now() > deadline) throw new Error(`${new Set(got.map((d) => d.messageId)).size} of ${n} delivered, ${pending} pending, by the deadline`);
      await sleep(500);
    }
  } catch (err) {
    throw new Error(`${String(err)}\n${agent.output().slice(-3000)}`, { cause: err });
  } finally {
    await agent.stop();
  }
  const got = await deliveriesWith(sandbox.dataDir, prefix);
  const ids = got.map((d) => d.messageId);
  const duplicates = ids.length - new Set(ids).size;
  const times = got.map((d) => Date.parse(d.time)).sort((a, b) => a - b);
  const spanSec = (times.at(-1)! - times[0]!) / 1000;
  const deliveredPerSec = (got.length - 1) / spanSec;
  const sinceStartPerSec = got.length / ((times.at(-1)! - started) / 1000);
  const throttle = await jsonLines<ThrottleLine>(join(sandbox.dataDir, 'throttle.jsonl'));
  const early = throttle.filter((e) => e.event === 'early');
  const log = await jsonLines<LogLine>(join(state, 'notifications.log'));
  const failedFiles = (await readdir(join(state, 'spool', 'failed'))).filter((f) => f.endsWith('.json')).length;
  const count = (pred: (l: LogLine) => boolean) => log.filter(pred).length;
  const result = {
    benchmark: 'throttle', at: new Date().toISOString(), node: process.version, notifications: n,
    sandbox: `mail-agent sandbox ${flags.join(' ')} (its own process; HTTPS, NTLMv2)`,
    agent: '`mail-agent run`, all notifications queued before start, saveCopy: true (SendAndSaveCopy)',
    allowedPerSec: round(allowedPerSec, 2),
    delivered: new Set(ids).size, duplicateMessageIds: duplicates, failed: failedFiles,
    rate: {
      firstToLastPerSec: round(deliveredPerSec, 2), ratioToAllowed: round(deliveredPerSec / allowedPerSec),
      fromAgentStartPerSec: round(sinceStartPerSec, 2), ratioToAllowedFromAgentStart: round(sinceStartPerSec / allowedPerSec),
      seconds: round(spanSec, 1),
    },
    backoff: {
      advised: throttle.filter((e) => e.event === 'advised').length,
      requestsInsideAdvisedWindow: early.filter((e) => e.violation).length,
      requestsOnTheirWayWhenAdvised: early.filter((e) => !e.violation).length,
      /** The requests inside a window, as throttle.jsonl logged them (the first 20). */
      inside: early.filter((e) => e.violation).slice(0, 20),
      connectionsRefused: throttle.filter((e) => e.event === 'refused').length,
      batchesStopped: throttle.filter((e) => e.event === 'stopped').length,
    },
    agentLog: {
      attempts: log.length,
      retriesBusy: count((l) => l.result === 'retry' && l.code === 'ServerBusy'),
      retriesConnection: count((l) => l.result === 'retry' && (l.code === 'ConnectionFailed' || l.code === 'ProtocolError')),
      retriesOutcomeUnknown: count((l) => l.result === 'retry' && l.code === 'OutcomeUnknown'),
      confirmedByWasSent: count((l) => l.confirmedBy === 'wasSent'),
      failed: count((l) => l.result === 'failed'),
    },
    targets: { allDelivered: new Set(ids).size === n, noDuplicates: duplicates === 0, noneFailed: failedFiles === 0, rateAtLeast90Percent: deliveredPerSec / allowedPerSec >= 0.9 },
    loadAverage: { before: loadBefore.map((x) => round(x, 1)), after: loadavg().map((x) => round(x, 1)) },
  };
  await writeFile(join(repoRoot, 'bench/results/throttle.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify(result, null, 2));
} finally {
  await sandbox.stop();
  // BENCH_KEEP=1 keeps the data (sandbox logs, the agent's state) for a closer look.
  if (process.env.BENCH_KEEP) console.error(`bench: kept ${root}`);
  else await rm(root, { recursive: true, force: true });
}
