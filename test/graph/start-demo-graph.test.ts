// `npm run start:graph`: the demo sandbox and the agent on config.graph.example.yaml go Ready through Graph
// with the sandbox's default app; `mail-agent test` and `mail-agent validate` take the same file.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { main } from '../../agent/cli/main.ts';
import { captureIo } from '../helpers/io.ts';
import { repoRoot } from '../helpers/child.ts';
import { spawnCli } from '../helpers/shipped.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { freePort, untilReady } from '../helpers/demo.ts';

test('the Graph example goes Ready against the demo sandbox; the test message lands; mail-agent test sends one more', async () => {
  const dir = await tempDir('demo-graph');
  const port = await freePort();
  const example = await readFile(join(repoRoot, 'config.graph.example.yaml'), 'utf8');
  assert.equal(example.match(/localhost:8443/g)?.length, 2, 'authorityHost and graphHost');
  const config = join(dir.path, 'config.graph.yaml');
  await writeFile(config, example.replace(/localhost:8443/g, `localhost:${port}`));
  const demo = spawnCli(['start-demo', '--config', config, '--port', String(port),
    '--data-dir', join(dir.path, '.sandbox'), '--state-dir', join(dir.path, '.state')], { MAIL_AGENT_CLIENT_SECRET: '' });
  try {
    const statusPath = join(dir.path, '.state', 'status.json');
    await untilReady(statusPath);
    const status = JSON.parse(await readFile(statusPath, 'utf8')) as { lastApplied: { transport: { service: string; endpoint: string } } };
    assert.equal([status.lastApplied.transport.service, status.lastApplied.transport.endpoint], ['graph', `https://localhost:${port}/v1.0/users/notify@sandbox.test`]);
    const mailbox = join(dir.path, '.sandbox', 'mailboxes', 'ops@sandbox.test');
    assert.is((await readdir(mailbox)).length, 1);
    const log = await readFile(join(dir.path, '.sandbox', 'deliveries.jsonl'), 'utf8');
    assert.match(log, /"operation":"sendMail"/);

    const io = captureIo({ env: { MAIL_AGENT_CLIENT_SECRET: 'sandbox-secret' }, cwd: dir.path });
    const code = await main(['test', '--config', config, '--to', 'ops@sandbox.test', '--state-dir', join(dir.path, '.state')], io);
    assert.is(code, 0, io.out() + io.err());
    assert.match(io.out(), /verify: ok in \d+ ms — graph https:\/\/localhost:\d+\/v1\.0\/users\/notify@sandbox\.test auth oauth-client-secret as notify@sandbox\.test, token valid until 20\d\d-/);
    assert.match(io.out(), /send: ok in \d+ ms — accepted by the server/);
    assert.is((await readdir(mailbox)).length, 2);
  } finally {
    assert.is(await demo.kill('SIGTERM'), 0);
    await dir.cleanup();
  }
});

test('mail-agent validate accepts the Graph example as shipped', async () => {
  const io = captureIo({ env: {}, cwd: repoRoot });
  assert.is(await main(['validate', join(repoRoot, 'config.graph.example.yaml')], io), 0, io.out() + io.err());
});

test.run();
