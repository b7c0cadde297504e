// Test support (not a test) for issue #12 item 7: a server double whose every answer carries text meant to paint
// a terminal, settings that point the real agent at it, and the check that what the agent printed holds no raw
// control character.
import * as assert from 'uvu/assert';
import { once } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import { join } from 'node:path';
import { tempDir } from '../helpers/temp-dir.ts';

// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

export function assertNoRawControls(text: string, what: string): void {
  const bad = RAW_CONTROL.exec(text);
  assert.not.ok(bad, `${what} holds U+${bad?.[0].charCodeAt(0).toString(16)} raw:\n${JSON.stringify(text)}`);
}

/** A request handler that reads each request whole, then answers `status` with the XML `body`. */
export function answerEveryRequest(status: number, body: string, onRequest: () => void = () => {}) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    onRequest();
    req.resume();
    req.on('end', () => {
      res.writeHead(status, { 'content-type': 'text/xml; charset=utf-8' });
      res.end(body);
    });
  };
}

/** Starts `server` on a loopback port of the system's choosing and returns that port. */
export async function listenOnLoopback(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** A temp dir with conf/mail-settings.yaml: EWS at `endpoint` (its `ews:` lines), basic auth, password from $PW. */
export async function settingsBeside(name: string, endpoint: string): Promise<{ dir: Awaited<ReturnType<typeof tempDir>>; settings: string }> {
  const dir = await tempDir(name);
  await mkdir(join(dir.path, 'conf'));
  const settings = join(dir.path, 'conf', 'mail-settings.yaml');
  await writeFile(settings, `apiVersion: mail-agent/v1\nkind: MailSettings\nservice: ews\news:\n${endpoint}  auth: basic\n  username: svc\n  password: { env: PW }\n`);
  return { dir, settings };
}
