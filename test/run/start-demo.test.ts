// `npm start` (start-demo): the sandbox and the agent on the example settings reach Ready with the test
// message in the sandbox mailbox; a busy port is a clear message (69), not a stack trace.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { repoRoot } from '../helpers/child.ts';
import { spawnCli } from '../helpers/shipped.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { freePort, untilReady } from '../helpers/demo.ts';

test('the example settings go Ready against the demo sandbox and the test message lands', async () => {
  const dir = await tempDir('demo');
  const port = await freePort();
  // The example as shipped, pointed at a free port (the shipped one, 8443, may be taken on a build machine).
  const example = await readFile(join(repoRoot, 'config.example.yaml'), 'utf8');
  assert.ok(example.includes('https://localhost:8443/EWS/Exchange.asmx'));
  const config = join(dir.path, 'config.yaml');
  await writeFile(config, example.replace('localhost:8443', `localhost:${port}`));
  const demo = spawnCli(['start-demo', '--config', config, '--port', String(port),
    '--data-dir', join(dir.path, '.sandbox'), '--state-dir', join(dir.path, '.state')], { MAIL_AGENT_PASSWORD: '' }); // empty counts as unset
  try {
    const statusPath = join(dir.path, '.state', 'status.json');
    await untilReady(statusPath);
    const delivered = await readdir(join(dir.path, '.sandbox', 'mailboxes', 'ops@sandbox.test'));
    assert.is(delivered.length, 1);
    const eml = await readFile(join(dir.path, '.sandbox', 'mailboxes', 'ops@sandbox.test', delivered[0]!), 'utf8');
    assert.match(eml, /^Subject: mail-agent test from \S+: settings [0-9a-f]{12}\r?$/m);
    assert.match(eml, /^From: <notify@sandbox\.test>\r?$/m);
  } finally {
    assert.is(await demo.kill('SIGTERM'), 0);
    await dir.cleanup();
  }
});

test('a port in use: exit 69 with a message saying what to do', async () => {
  const dir = await tempDir('demo-busy');
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const { port } = blocker.address() as { port: number };
  try {
    const demo = spawnCli(['start-demo', '--port', String(port), '--data-dir', join(dir.path, '.sandbox'), '--state-dir', join(dir.path, '.state')]);
    assert.is(await demo.exited(), 69);
    assert.match(demo.output(), new RegExp(`port ${port} is in use`));
    assert.not.match(demo.output(), /internal error|\n\s+at /);
  } finally {
    await new Promise((resolve) => blocker.close(resolve));
    await dir.cleanup();
  }
});

test.run();
