// Test support (not a test) for issue #12 item 7: a server double whose every answer carries text meant to paint
// a terminal, settings that point the real agent at it, and the check that what the agent printed holds no raw
// control character.
import * as assert from 'uvu/assert';
import { once } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import { join } from 'node:path';
import { main } from '../../agent/cli/main.ts';
import { captureIo } from '../helpers/io.ts';
import { tempDir } from '../helpers/temp-dir.ts';

// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

export function assertNoRawControls(text: string, what: string): void {
  const bad = RAW_CONTROL.exec(text);
  assert.not.ok(bad, `${what} holds U+${bad?.[0].charCodeAt(0).toString(16)} raw:\n${JSON.stringify(text)}`);
}

export interface PaintingServer {
  port: number;
  /** The temp dir: conf/mail-settings.yaml, and room for state dirs. */
  dir: string;
  settings: string;
  /** `mail-agent test --config <settings> --to ops@contoso.com …args` through main(), with the password in $PW. */
  mailAgentTest(args: string[]): Promise<{ code: number; out: string; err: string }>;
  close(): Promise<void>;
}

/**
 * Starts the server `create` makes with a handler that reads each request whole, then answers `status` with the
 * XML `body`, on a loopback port of the system's choosing; beside it a temp dir named after `name` with
 * conf/mail-settings.yaml: EWS at `endpoint(port)` (its `ews:` lines), basic auth, password from $PW.
 */
export async function startPaintingServer(o: {
  name: string; status: number; body: string; endpoint: (port: number) => string;
  create: (handler: (req: IncomingMessage, res: ServerResponse) => void) => Server; onRequest?: () => void;
}): Promise<PaintingServer> {
  const server = o.create((req, res) => {
    o.onRequest?.();
    req.resume();
    req.on('end', () => {
      res.writeHead(o.status, { 'content-type': 'text/xml; charset=utf-8' });
      res.end(o.body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const dir = await tempDir(o.name);
  await mkdir(join(dir.path, 'conf'));
  const settings = join(dir.path, 'conf', 'mail-settings.yaml');
  await writeFile(settings, `apiVersion: mail-agent/v1\nkind: MailSettings\nservice: ews\news:\n${o.endpoint(port)}  auth: basic\n  username: svc\n  password: { env: PW }\n`);
  return {
    port, dir: dir.path, settings,
    async mailAgentTest(args) {
      const io = captureIo({ env: { PW: 'pw' }, cwd: dir.path });
      const code = await main(['test', '--config', settings, '--to', 'ops@contoso.com', ...args], io);
      return { code, out: io.out(), err: io.err() };
    },
    async close() {
      server.close();
      await dir.cleanup();
    },
  };
}
