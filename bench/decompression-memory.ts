// What a decompression bomb costs the agent's process: an autodiscover candidate (a real HTTPS server in a
// child process, so its memory is not counted) answers 65 KB of gzip that inflates to 64 MiB; the EWS
// transport in this process runs autodiscover against it. Prints the peak RSS (VmHWM) before and after and
// the error. Not part of `npm run bench` (no speed target): a measurement for #12 item 6.
//   node --import tsx bench/decompression-memory.ts
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureTls } from '../agent/sandbox/certs.ts';
import { createTransport } from '../agent/transports/index.ts';
import { ewsConfig } from '../test/transports/helpers/config.ts';
import { lookupFor, startForwarder } from '../test/transports/helpers/routing.ts';

const names = ['autodiscover.bomb.test', 'bomb.test'];

/** The bomb server, when this file runs as the child. */
async function serveBomb(): Promise<void> {
  const https = await import('node:https');
  const { gzipSync } = await import('node:zlib');
  const [cert, key] = [readFileSync(process.argv[3]!, 'utf8'), readFileSync(process.argv[4]!, 'utf8')];
  const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
  const server = https.createServer({ cert, key }, (req, res) => {
    req.resume();
    req.once('end', () => { res.writeHead(200, { 'content-type': 'text/xml', 'content-encoding': 'gzip' }).end(bomb); });
  });
  server.listen(0, '127.0.0.1', () => { process.send?.({ port: (server.address() as { port: number }).port, bytes: bomb.length }); });
}

function peakRssMiB(): number {
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0);
  return Math.round(kb / 102.4) / 10;
}

async function measure(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bomb-memory-'));
  const tls = await ensureTls(dir, names);
  const certFile = path.join(dir, 'server.pem');
  const keyFile = path.join(dir, 'server-key.pem');
  const child = fork(fileURLToPath(import.meta.url), ['serve', certFile, keyFile], { execArgv: ['--import', 'tsx'] });
  const [{ port, bytes }] = await once(child, 'message') as [{ port: number; bytes: number }];
  const forwarder = await startForwarder(port);
  const config = ewsConfig({ autodiscover: 'svc@bomb.test', endpointSource: 'autodiscover', auth: 'basic', username: 'BOMB\\svc', caFile: tls.caPath }, { password: 'x' });
  const transport = await createTransport(config, { timeoutMs: 60_000, lookup: lookupFor(names, forwarder.address) });
  const before = peakRssMiB();
  const error = await transport.verify().then(() => 'no error', (e: unknown) => (e instanceof Error ? `${(e as { code?: string }).code}: ${e.message}` : String(e)));
  const after = peakRssMiB();
  console.log(JSON.stringify({ node: process.version, gzipBytes: bytes, inflatedBytes: 64 * 1024 * 1024, peakRssBeforeMiB: before, peakRssAfterMiB: after, growthMiB: Math.round((after - before) * 10) / 10, error }, null, 2));
  await transport.close();
  await forwarder.close();
  child.kill();
  await rm(dir, { recursive: true, force: true });
}

if (process.argv[2] === 'serve') await serveBomb();
else await measure();
