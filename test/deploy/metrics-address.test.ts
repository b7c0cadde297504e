// --metrics-addr parsing, and a port already in use: a plain error and exit 1, the state dir released.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { isAgentError } from '../../agent/errors.ts';
import { parseListenAddress } from '../../agent/metrics/address.ts';
import { spawnTs } from '../helpers/child.ts';
import { spawnCli } from '../helpers/shipped.ts';
import { withTempDir } from '../helpers/temp-dir.ts';

test('HOST:PORT, [IPv6]:PORT, :PORT (every interface, said out loud); anything else is a usage error', () => {
  assert.equal(parseListenAddress('127.0.0.1:9464'), { host: '127.0.0.1', port: 9464 });
  assert.equal(parseListenAddress('[::1]:0'), { host: '::1', port: 0 });
  assert.equal(parseListenAddress(':9464'), { host: '0.0.0.0', port: 9464 });
  for (const bad of ['9464', '127.0.0.1', '127.0.0.1:99999', '::1:9464', 'host:port']) {
    try {
      parseListenAddress(bad);
      assert.unreachable(bad);
    } catch (err) {
      assert.ok(isAgentError(err) && err.code === 'Usage', bad);
    }
  }
});

test('a port in use: `mail-agent run` says so and exits 1', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as AddressInfo).port;
  try {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'settings.yaml'), 'apiVersion: mail-agent/v1\n');
      const agent = spawnCli(['run', '--config', join(dir, 'settings.yaml'), '--state-dir', join(dir, 'state'), '--metrics-addr', `127.0.0.1:${port}`]);
      assert.is(await agent.exited(), 1, agent.output());
      assert.match(agent.output(), '--metrics-addr: cannot listen (EADDRINUSE)');
    });
  } finally {
    blocker.close();
  }
});

test('without --metrics-addr prom-client is never loaded (the probe sees it when it is)', async () => {
  await withTempDir(async (dir) => {
    await writeFile(join(dir, 'settings.yaml'), 'apiVersion: mail-agent/v1\n');
    const args = ['run', '--config', join(dir, 'settings.yaml'), '--state-dir', join(dir, 'state'), '--once', '--log-level', 'error'];
    const plain = spawnTs('test/deploy/fixtures/prom-client-loaded.ts', args);
    await plain.exited();
    assert.match(plain.output(), 'exit=1 prom-client=absent');
    const control = spawnTs('test/deploy/fixtures/prom-client-loaded.ts', ['--load-metrics', ...args]);
    await control.exited();
    assert.match(control.output(), 'exit=1 prom-client=loaded');
  });
});

test.run();
