// The HTTP client on its own, against small real servers: compressed answers, oversized answers, and a
// server that offers no NTLM.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { isAgentError } from '../../agent/errors.ts';
import { HttpClient } from '../../agent/http/client.ts';

async function serve(handler: http.RequestListener): Promise<{ url: URL; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: new URL(`http://127.0.0.1:${port}/EWS/Exchange.asmx`),
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

const post = (client: HttpClient, url: URL) =>
  client.request({ method: 'POST', url, headers: { 'Accept-Encoding': 'gzip' }, body: Buffer.from('<x/>'), signal: AbortSignal.timeout(3000) });

test('a gzip answer is decompressed; Basic credentials go on the request', async () => {
  let authorization: string | undefined;
  const server = await serve((req, res) => {
    authorization = req.headers.authorization;
    res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync('<ok/>'));
  });
  const client = new HttpClient({ auth: { kind: 'basic', username: 'u', password: 'p' }, rejectUnauthorized: true });
  try {
    const response = await post(client, server.url);
    assert.is(response.body.toString(), '<ok/>');
    assert.is(authorization, `Basic ${Buffer.from('u:p').toString('base64')}`);
  } finally {
    client.close();
    await server.close();
  }
});

test('codings are undone last first (gzip, br); an unknown or corrupt one is a ProtocolError, never handed on', async () => {
  let answer: { encoding: string; body: Buffer } = { encoding: 'gzip, br', body: brotliCompressSync(gzipSync('<ok/>')) };
  const server = await serve((_req, res) => { res.writeHead(200, { 'content-encoding': answer.encoding }).end(answer.body); });
  const client = new HttpClient({ auth: { kind: 'bearer', token: 't' }, rejectUnauthorized: true });
  try {
    assert.is((await post(client, server.url)).body.toString(), '<ok/>');
    for (const [encoding, body, message] of [
      ['zstd', Buffer.from('x'), /content encoding the agent cannot read \(zstd\)/],
      ['gzip', Buffer.from('not gzip'), /sent a gzip answer that does not decompress/],
    ] as const) {
      answer = { encoding, body };
      const error = await post(client, server.url).then(() => undefined, (e: unknown) => e);
      assert.ok(isAgentError(error) && error.code === 'ProtocolError', String(error));
      assert.match((error as Error).message, message);
    }
  } finally {
    client.close();
    await server.close();
  }
});

test('an endless answer is cut off as a ProtocolError', async () => {
  const server = await serve((_req, res) => {
    res.writeHead(200);
    const chunk = Buffer.alloc(1024 * 1024, 0x41);
    let sent = 0;
    const pump = (): void => {
      while (sent < 40 && res.write(chunk)) sent += 1;
      if (sent < 40) res.once('drain', pump);
      else res.end();
    };
    pump();
  });
  const client = new HttpClient({ auth: { kind: 'bearer', token: 't' }, rejectUnauthorized: true });
  try {
    const error = await post(client, server.url).then(() => undefined, (e: unknown) => e);
    assert.ok(isAgentError(error) && error.code === 'ProtocolError');
  } finally {
    client.close();
    await server.close();
  }
});

test('NTLM against a server that offers only Basic: the 401 comes back for the caller to judge', async () => {
  const server = await serve((_req, res) => { res.writeHead(401, { 'www-authenticate': 'Basic realm="x"' }).end(); });
  const client = new HttpClient({ auth: { kind: 'ntlm', username: 'u', domain: 'D', password: 'p' }, rejectUnauthorized: true });
  try {
    assert.is((await post(client, server.url)).status, 401);
    assert.is(client.stats.ntlmHandshakes, 0);
  } finally {
    client.close();
    await server.close();
  }
});

test('after close, requests fail with ConnectionFailed', async () => {
  const client = new HttpClient({ auth: { kind: 'bearer', token: 't' }, rejectUnauthorized: true });
  client.close();
  const error = await post(client, new URL('http://127.0.0.1:9/')).then(() => undefined, (e: unknown) => e);
  assert.ok(isAgentError(error) && error.code === 'ConnectionFailed');
});

test.run();
