// Sandbox throughput: CreateItem SendOnly requests per second from 8 concurrent keep-alive clients with
// Basic auth over HTTPS. The sandbox runs as `mail-agent sandbox` in its own process (as users run it),
// the clients here. The peer, measured in the same run with the same clients, is a static HTTPS responder
// that answers every POST with a fixed CreateItem response: the ceiling this machine's HTTPS allows.
// Run: node --import tsx bench/sandbox.ts [seconds per round=4] [rounds=3] [warm-up seconds=3] → bench/results/sandbox.json
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const seconds = Number(process.argv[2] ?? 4);
const rounds = Number(process.argv[3] ?? 3);
const CLIENTS = 8;
const AUTH = 'Basic ' + Buffer.from('SANDBOX\\notify:sandbox').toString('base64');
const BODY = '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">' +
  '<soap:Header><t:RequestServerVersion Version="Exchange2013"/></soap:Header><soap:Body><m:CreateItem MessageDisposition="SendOnly"><m:Items><t:Message>' +
  '<t:Subject>[INC-4711] Disk space low on app-01</t:Subject><t:Body BodyType="Text">' +
  // A notification of a typical size: ~600 bytes of short ASCII lines.
  Array.from({ length: 9 }, (_, i) => `Line ${i + 1}: volume /var on app-01 is at 9${i}% of its capacity; please check.`).join('\n') + '</t:Body>' +
  '<t:ToRecipients><t:Mailbox><t:EmailAddress>ops@example.test</t:EmailAddress></t:Mailbox></t:ToRecipients></t:Message></m:Items></m:CreateItem></soap:Body></soap:Envelope>';

interface Server { url: string; ca: string; pid: number; stop(): Promise<void> }

async function startProcess(args: string[]): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const line = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`exited ${code}`)));
  });
  return { child, line };
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () => new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function sandbox(dataDir: string): Promise<Server> {
  const { child, line } = await startProcess(['dist/agent/cli/bin.js', 'sandbox', '--port', '0', '--data-dir', dataDir, '-o', 'json']);
  const ready = JSON.parse(line) as { url: string; ca: string };
  return { url: ready.url, ca: await readFile(ready.ca, 'utf8'), pid: child.pid ?? 0, stop: stopper(child) };
}

async function staticPeer(dataDir: string): Promise<Server> {
  // Same certificate as the sandbox's, so TLS costs the same.
  const script = `import { createServer } from 'node:https'; import { readFileSync } from 'node:fs';
const d = ${JSON.stringify(dataDir)};
const reply = '<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><m:CreateItemResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"><m:ResponseMessages><m:CreateItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items/></m:CreateItemResponseMessage></m:ResponseMessages></m:CreateItemResponse></s:Body></s:Envelope>';
const s = createServer({ cert: readFileSync(d + '/server.pem'), key: readFileSync(d + '/server-key.pem'), keepAlive: true }, (req, res) => {
  req.resume(); req.on('end', () => res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8', 'content-length': Buffer.byteLength(reply) }).end(reply));
});
s.listen(0, '127.0.0.1', () => console.log('https://127.0.0.1:' + s.address().port + '/EWS/Exchange.asmx'));
process.on('SIGTERM', () => s.close(() => process.exit(0)) && s.closeAllConnections());`;
  const file = path.join(dataDir, 'peer.mjs');
  await writeFile(file, script);
  const { child, line } = await startProcess([file]);
  return { url: line.trim(), ca: await readFile(path.join(dataDir, 'ca.pem'), 'utf8'), pid: child.pid ?? 0, stop: stopper(child) };
}

function post(agent: Agent, url: string, ca: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, ca, headers: { authorization: AUTH, 'content-type': 'text/xml; charset=utf-8' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(BODY);
  });
}

/** CPU seconds (user + system) a process has used, from /proc: the server's cost, whatever else runs. */
async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

/** Requests per second over `seconds`, from CLIENTS loops each on its own keep-alive connection, and
 *  the server's CPU time per request (what the machine's other load does not change). */
async function measure(server: Server, seconds: number): Promise<{ rps: number; cpuUsPerRequest: number; errors: number }> {
  const agents = Array.from({ length: CLIENTS }, () => new Agent({ keepAlive: true, maxSockets: 1, ca: server.ca }));
  for (const agent of agents) await post(agent, server.url, server.ca); // warm: TLS handshake and first request
  let done = 0;
  let errors = 0;
  const cpuStart = await cpuSeconds(server.pid);
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(agents.map(async (agent) => {
    while (performance.now() < end) {
      const status = await post(agent, server.url, server.ca).catch(() => 0);
      if (status === 200) done += 1;
      else errors += 1;
    }
  }));
  const elapsed = (performance.now() - start) / 1000;
  const cpu = (await cpuSeconds(server.pid)) - cpuStart;
  agents.forEach((a) => a.destroy());
  return { rps: done / elapsed, cpuUsPerRequest: (cpu * 1e6) / Math.max(done, 1), errors };
}

// The sandbox twice: its data dir on the ordinary disk (tmpdir) and on tmpfs (/dev/shm, when there is
// one), because creating one .eml file per delivery on a shared ext4 disk costs the kernel a varying time
// (docs/performance.md); the tmpfs run shows the sandbox's own cost. Then the static peer. Rounds interleave.
const diskDir = await mkdtemp(path.join(tmpdir(), 'bench-sandbox-'));
const shmDir = await stat('/dev/shm').then(() => mkdtemp('/dev/shm/bench-sandbox-'), () => undefined);
const servers: Array<{ name: string; server: Server; dataDir?: string; rps: number[]; cpu: number[] }> = [
  { name: 'sandbox (data dir on disk)', server: await sandbox(diskDir), dataDir: diskDir, rps: [], cpu: [] },
];
if (shmDir) servers.push({ name: 'sandbox (data dir on tmpfs)', server: await sandbox(shmDir), dataDir: shmDir, rps: [], cpu: [] });
servers.push({ name: 'static HTTPS peer', server: await staticPeer(diskDir), rps: [], cpu: [] });
let errors = 0;
const delivered: number[] = [];
try {
  for (const s of servers) await measure(s.server, Number(process.argv[4] ?? 3)); // warm-up (JIT, TLS sessions, mailbox folder), not counted
  for (let round = 0; round < rounds; round++) {
    for (const s of servers) {
      const m = await measure(s.server, seconds);
      s.rps.push(m.rps);
      s.cpu.push(m.cpuUsPerRequest);
      errors += m.errors;
      console.log(`round ${round + 1}: ${s.name}: ${m.rps.toFixed(0)} req/s, ${m.cpuUsPerRequest.toFixed(0)} µs server CPU per request`);
    }
  }
} finally {
  for (const s of servers) await s.server.stop();
}
for (const s of servers) {
  if (s.dataDir) delivered.push((await readFile(path.join(s.dataDir, 'deliveries.jsonl'), 'utf8')).split('\n').filter(Boolean).length);
}
await rm(diskDir, { recursive: true, force: true });
if (shmDir) await rm(shmDir, { recursive: true, force: true });
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const peer = servers.at(-1);
const result = {
  benchmark: 'sandbox CreateItem SendOnly, HTTPS, Basic, 8 keep-alive clients, ~600-byte text notification',
  at: new Date().toISOString(), secondsPerRound: seconds, rounds, clients: CLIENTS,
  loadAverage: (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' '),
  target: 2000,
  servers: servers.map((s) => ({
    name: s.name,
    rpsMedian: Math.round(median(s.rps)),
    rpsRounds: s.rps.map(Math.round),
    serverCpuUsPerRequestMedian: Math.round(median(s.cpu)),
    // What one core of server CPU sustains at that cost, whatever else the machine runs.
    rpsPerServerCore: Math.round(1e6 / median(s.cpu)),
    ratioToStaticPeer: peer ? Number((median(s.rps) / median(peer.rps)).toFixed(2)) : null,
  })),
  deliveredMessages: delivered, errors,
};
await mkdir(path.join(root, 'bench/results'), { recursive: true });
await writeFile(path.join(root, 'bench/results/sandbox.json'), JSON.stringify(result, null, 2) + '\n');
console.log(JSON.stringify(result));
