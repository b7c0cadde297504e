// Issue #12 item 7, the Autodiscover side: an Autodiscover server's POX <Error><Message> is server-supplied
// text that reaches `mail-agent test`, the agent's text log and `mail-agent status`. XML 1.0 cannot carry ESC
// (the agent's strict parser refuses such an answer), but it does carry C1's CSI (U+009B, ESC [ on terminals
// that read 8-bit controls), CR by reference and LF: enough to clear the screen and paint a fake "Ready" line.
// The server is a tiny HTTPS double answering every POX request with that error; the agent is the real one,
// pointed at it with --resolve.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:https';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { main } from '../../agent/cli/main.ts';
import type { Child } from '../helpers/child.ts';
import { spawnCli } from '../helpers/shipped.ts';
import { captureIo } from '../helpers/io.ts';
import { generateTestTls } from '../helpers/tls.ts';
import { assertNoRawControls, startPaintingServer, type PaintingServer } from './painting-server.ts';

const DOMAIN = 'paint.test';
// In the XML: CSI 2J (clear screen), CSI H (home), a CR by reference, then a new line that looks like status's.
const PAINT_XML = '\u009b2J\u009bH&#13;\nReady: all good';
const PAINT_ESCAPED = '\\x9b2J\\x9bH\\r\\nReady: all good';

function assertNotPainted(text: string, what: string): void {
  assertNoRawControls(text, what);
  assert.not.match(text, /^Ready: all good/m, `${what} has a line painted by the server`);
}

let painting: PaintingServer;
let resolveFlags: string[];
let agent: Child | undefined;
let requests = 0;

test.before(async () => {
  const tls = await generateTestTls([DOMAIN, `autodiscover.${DOMAIN}`]);
  painting = await startPaintingServer({
    name: 'paint-autodiscover', create: (handler) => createServer({ cert: tls.certPem, key: tls.keyPem }, handler), status: 200,
    body: '<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">'
      + `<Response><Error Time="00:00:00.000" Id="1"><ErrorCode>500</ErrorCode><Message>${PAINT_XML}</Message><DebugData/></Error></Response></Autodiscover>`,
    endpoint: () => `  autodiscover: notify@${DOMAIN}\n  caFile: ${tls.caPath}\n`,
    onRequest: () => { requests++; },
  });
  resolveFlags = [DOMAIN, `autodiscover.${DOMAIN}`].flatMap((host) => ['--resolve', `${host}:443:127.0.0.1:${painting.port}`]);
});

test.after(async () => {
  await agent?.kill('SIGKILL');
  await painting.close();
});

test('mail-agent test prints an Autodiscover <Message> with C1 controls and a new line escaped', async () => {
  const r = await painting.mailAgentTest(resolveFlags);
  assert.is(r.code, 1);
  assert.ok(requests > 0, 'the double was asked');
  assert.match(r.out + r.err, `server error 500: ${PAINT_ESCAPED}`);
  assertNotPainted(r.out + r.err, 'test output');
});

test("the agent's text log and mail-agent status print the Autodiscover <Message> escaped", async () => {
  const state = join(painting.dir, 'state');
  const statusFile = join(state, 'status.json');
  agent = spawnCli(['run', '--config', painting.settings, '--state-dir', state, '--log-format', 'text', ...resolveFlags], { PW: 'pw' });
  await agent.waitFor('reason=AutodiscoverFailed', 30_000);
  assertNotPainted(agent.output(), "the agent's text log");
  // --wait returns as soon as the status file says Stalled: the event the test waits on.
  const waited = captureIo({ cwd: painting.dir });
  assert.is(await main(['status', '--status', statusFile, '--wait', '--for-file', painting.settings, '--timeout', '30s'], waited), 1, waited.out() + waited.err());
  assertNotPainted(waited.out() + waited.err(), 'status --wait output');
  assert.match(await readFile(statusFile, 'utf8'), 'Ready: all good', 'the status file holds the server\'s message');
  const io = captureIo({ cwd: painting.dir });
  assert.is(await main(['status', '--status', statusFile], io), 1);
  assert.match(io.out(), PAINT_ESCAPED);
  assertNotPainted(io.out() + io.err(), 'status output');
});

test.run();
