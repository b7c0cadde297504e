// Issue #12 item 7 (output): text from outside — a SOAP faultcode, a subject, a server's reason — is printed
// by `mail-agent status`, `test` and `log` with every control character escaped, so an answer cannot move
// the cursor and paint a fake "Ready" line. The server here is a test double that answers every request
// with a SOAP fault whose faultcode carries ESC, CR and C1's CSI; the agent is the real one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:http';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { main } from '../../agent/cli/main.ts';
import { NotificationsLogWriter } from '../../agent/notifications-log/log-writer.ts';
import { statePaths } from '../../agent/state/layout.ts';
import type { Child } from '../helpers/child.ts';
import { spawnCli } from '../helpers/shipped.ts';
import { captureIo } from '../helpers/io.ts';
import { waitForValue } from '../helpers/wait.ts';
import { assertNoRawControls, startPaintingServer, type PaintingServer } from './painting-server.ts';

const paint = '\u001b[1A\r\u001b[2K\u009b32mReady: all good';
// The faultcode as an XML parser reads it: a CR in XML text is a line end, read as LF (XML 1.0 section 2.11).
const paintedFault = '\\x1b[1A\\n\\x1b[2K\\x9b32mReady: all good';

let painting: PaintingServer;
let agent: Child | undefined;

test.before(async () => {
  painting = await startPaintingServer({
    name: 'paint', create: createServer, status: 500,
    body: `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>${paint}</faultcode><faultstring>no</faultstring></s:Fault></s:Body></s:Envelope>`,
    endpoint: (port) => `  url: http://127.0.0.1:${port}/EWS/Exchange.asmx\n  allowInsecureHttp: true\n`,
  });
});

test.after(async () => {
  await agent?.kill('SIGKILL');
  await painting.close();
});

test('mail-agent test prints the faultcode escaped', async () => {
  const r = await painting.mailAgentTest(['--state-dir', join(painting.dir, 'state')]);
  assert.is(r.code, 1);
  assert.match(r.out, 'verify: FAILED');
  assert.match(r.out, paintedFault);
  assertNoRawControls(r.out, 'test output');
});

test('mail-agent status prints the failure the agent recorded escaped', async () => {
  const state = join(painting.dir, 'state');
  agent = spawnCli(['run', '--config', painting.settings, '--state-dir', state, '--log-format', 'text'], { PW: 'pw' });
  await agent.waitFor('step=verify', 30_000);
  let last = '';
  const io = await waitForValue(async () => {
    const shown = captureIo({ cwd: painting.dir });
    const code = await main(['status', '--status', join(state, 'status.json')], shown);
    last = shown.out() + shown.err();
    if (!shown.out().includes('Ready: all good')) return undefined;
    assert.is(code, 1);
    return shown;
  }, () => `status to show the fault:\n${last}`, 30_000, 100);
  assertNoRawControls(agent.output(), "the agent's text log");
  assert.match(io.out(), paintedFault);
  assertNoRawControls(io.out() + io.err(), 'status output');
  const waited = captureIo({ cwd: painting.dir });
  await main(['status', '--status', join(state, 'status.json'), '--wait', '--timeout', '100ms'], waited);
  assertNoRawControls(waited.out() + waited.err(), 'status --wait output');
});

test('mail-agent log prints subjects and server reasons escaped', async () => {
  const state = join(painting.dir, 'logstate');
  await mkdir(state, { mode: 0o700 });
  await new NotificationsLogWriter(statePaths(state).notificationsLog).append({
    time: new Date().toISOString(), id: 'abc', messageId: '<x@y>', to: ['ops@contoso.com'], subject: `s ${paint}`,
    transport: 'ews', result: 'failed', attempt: 1, durationMs: 3, code: 'ServerError', serverCode: `E${paint}`, reason: `r ${paint}\nnext line`,
  });
  const io = captureIo();
  assert.is(await main(['log', '--state-dir', state], io), 0);
  assertNoRawControls(io.out(), 'log output');
  assert.is(io.out().trimEnd().split('\n').length, 1, 'one entry, one line');
  assert.match(io.out(), '"s \\x1b[1A\\r\\x1b[2K\\x9b32mReady: all good"');
});

test.run();
