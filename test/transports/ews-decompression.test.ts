// Decompression bombs from a real HTTPS server: 65 KB of gzip that inflates to 64 MiB, sent by an autodiscover
// candidate and by the EWS endpoint itself. The 16 MiB cap on answers holds for the inflated size too: the
// request is refused with a clear error instead of the agent inflating 64 MiB (and more, for a bigger bomb).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, rm } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import type { EwsSettings, LoadedConfig } from '../../agent/config/settings.ts';
import { maxResponseBytes } from '../../agent/http/exchange.ts';
import { ensureTls } from '../../agent/sandbox/certs.ts';
import { ewsConfig } from './helpers/config.ts';
import { lookupFor, startForwarder, type Forwarder } from './helpers/routing.ts';
import { verifyError } from './helpers/verify-error.ts';

const names = ['autodiscover.bomb.test', 'bomb.test'];
const inflated = 64 * 1024 * 1024;
const bombs = {
  gzip: gzipSync(Buffer.alloc(inflated), { level: 9 }),
  deflate: deflateSync(Buffer.alloc(inflated), { level: 9 }),
  br: brotliCompressSync(Buffer.alloc(inflated)),
};

let dataDir: string;
let caFile: string;
let server: https.Server;
let port: number;
let forwarder: Forwarder;
/** What the bomb server sends next, and the paths it was asked for. */
let encoding: keyof typeof bombs = 'gzip';
const asked: string[] = [];

test.before(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'bomb-'));
  const tls = await ensureTls(dataDir, names);
  caFile = tls.caPath;
  server = https.createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    asked.push(req.url ?? '');
    req.resume();
    req.once('end', () => { res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8', 'content-encoding': encoding }).end(bombs[encoding]); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  forwarder = await startForwarder(port);
});
test.after(async () => {
  await forwarder.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dataDir, { recursive: true, force: true });
});
test.before.each(() => { asked.length = 0; encoding = 'gzip'; });

const config = (ews: Partial<EwsSettings>): LoadedConfig => ewsConfig({ auth: 'basic', username: 'BOMB\\svc', caFile, ...ews }, { password: 'not-used-by-the-bomb' });

const verifyFails = (settings: LoadedConfig) => verifyError(settings, { timeoutMs: 20_000, lookup: lookupFor(names, forwarder.address) });

test('the bombs are what the issue measured: about 65 KB of gzip for 64 MiB', () => {
  assert.ok(bombs.gzip.length < 70_000, String(bombs.gzip.length));
  assert.ok(inflated > 3 * maxResponseBytes);
});

test('a gzip bomb from both autodiscover candidates: each refused as too large once decompressed; autodiscover fails for good', async () => {
  const error = await verifyFails(config({ autodiscover: 'svc@bomb.test', endpointSource: 'autodiscover' }));
  assert.equal(asked, ['/autodiscover/autodiscover.xml', '/autodiscover/autodiscover.xml']);
  assert.is(error.code, 'AutodiscoverFailed');
  assert.is(error.transient, false);
  const tooLarge = 'ProtocolError: autodiscover.bomb.test sent an answer larger than 16777216 bytes once decompressed (gzip); refused';
  assert.match(error.message, `https://autodiscover.bomb.test/autodiscover/autodiscover.xml: ${tooLarge}`);
  assert.match(error.message, 'https://bomb.test/autodiscover/autodiscover.xml: ProtocolError: bomb.test sent an answer larger than 16777216 bytes once decompressed (gzip)');
});

for (const coding of ['gzip', 'deflate', 'br'] as const) {
  test(`a ${coding} bomb from the EWS endpoint: ProtocolError naming the cap, not retried`, async () => {
    encoding = coding;
    const error = await verifyFails(config({ url: `https://127.0.0.1:${port}/EWS/Exchange.asmx` }));
    assert.is(asked.length, 1, 'one request, no retry of the same answer');
    assert.is(error.code, 'ProtocolError');
    assert.is(error.transient, false);
    assert.is(error.message, `127.0.0.1:${port} sent an answer larger than 16777216 bytes once decompressed (${coding}); refused`);
  });
}

test.run();
