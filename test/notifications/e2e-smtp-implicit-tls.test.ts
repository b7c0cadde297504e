// #15: `smtp.security: tls` (implicit TLS, port 465 style) end to end. The sandbox's SMTP port speaks
// STARTTLS only, so the server here is nodemailer's smtp-server started with `secure: true` (TLS from the
// first byte) and a certificate made by the sandbox's certificate code. The real `mail-agent run` goes Ready
// through it (its test message arrives over TLS), delivers a notification `mail-agent send` queued, and
// `mail-agent test` with a caFile of another CA is refused with the certificate's reason, sending nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { main } from '../../agent/cli/main.ts';
import type { StatusDocument } from '../../agent/status/model.ts';
import { revisionOf } from '../../agent/config/revision.ts';
import type { Child } from '../helpers/child.ts';
import { spawnCli } from '../helpers/shipped.ts';
import { captureIo } from '../helpers/io.ts';
import { generateTestTls } from '../helpers/tls.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait.ts';

const USER = 'svc-notify@contoso.test';
const PASSWORD = 'Implicit-TLS-1';
interface Received { subject: string; secure: boolean; user: unknown; rcpt: string[] }

let server: SMTPServer;
let port: number;
let caPath: string;
let otherCaPath: string;
let root: Awaited<ReturnType<typeof tempDir>>;
let agent: Child | undefined;
const received: Received[] = [];

test.before(async () => {
  const tls = await generateTestTls();
  caPath = tls.caPath;
  otherCaPath = (await generateTestTls()).caPath;
  server = new SMTPServer({
    secure: true, key: tls.keyPem, cert: tls.certPem, logger: false, disableReverseLookup: true, authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, callback) {
      if (auth.username === USER && auth.password === PASSWORD) callback(null, { user: auth.username });
      else callback(Object.assign(new Error('5.7.3 Authentication unsuccessful'), { responseCode: 535 }));
    },
    onData(stream, session, callback) {
      simpleParser(stream).then((mail) => {
        received.push({ subject: mail.subject ?? '', secure: session.secure, user: session.user, rcpt: session.envelope.rcptTo.map((r) => r.address) });
        callback();
      }, callback);
    },
  });
  // A client that gives up during the TLS handshake (the wrong-CA case) is an 'error' event, not a crash.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve); });
  port = (server.server.address() as { port: number }).port;
  root = await tempDir('smtp-implicit-tls');
  await mkdir(join(root.path, 'conf'));
  await writeFile(join(root.path, 'conf', 'password'), `${PASSWORD}\n`, { mode: 0o600 });
  await writeFile(join(root.path, 'conf', 'body.txt'), 'Disk almost full\n');
});
test.after(async () => {
  await agent?.kill('SIGKILL');
  await new Promise<void>((resolve) => { server.close(() => { resolve(); }); });
  await root.cleanup();
});

const settingsText = (ca: string) => `apiVersion: mail-agent/v1
kind: MailSettings
service: smtp
message:
  from: ${USER}
smtp:
  host: 127.0.0.1
  port: ${port}
  security: tls
  username: ${USER}
  password: { file: ./password }
  caFile: ${ca}
test:
  to: ops@contoso.test
`;

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  const io = captureIo({ env: {}, cwd: root.path });
  const code = await main(args, io);
  return { code, out: io.out() + io.err() };
}

test('security: tls: the agent goes Ready over implicit TLS; its test message and a notification arrive, over TLS and authenticated', async () => {
  const settings = join(root.path, 'conf', 'mail-settings.yaml');
  const text = settingsText(caPath);
  await writeFile(settings, text);
  const stateDir = join(root.path, 'state');
  agent = spawnCli(['run', '--config', settings, '--state-dir', stateDir, '--log-format', 'json']);
  const ready = await cli(['status', '--status', join(stateDir, 'status.json'), '--wait', '--for-revision', revisionOf(text), '--timeout', '40s']);
  assert.is(ready.code, 0, ready.out + agent.output());
  const doc = JSON.parse(await readFile(join(stateDir, 'status.json'), 'utf8')) as StatusDocument;
  assert.is(doc.lastApplied?.transport.endpoint, `smtps://127.0.0.1:${port}`);
  assert.ok(received.some((m) => m.subject.startsWith('mail-agent test from')), 'the test message arrived');

  const sent = await cli(['send', '--state-dir', stateDir, '--to', 'ops@contoso.test', '--subject', 'over implicit tls', '--body', join(root.path, 'conf', 'body.txt')]);
  assert.is(sent.code, 0, sent.out);
  await waitFor(() => received.some((m) => m.subject === 'over implicit tls'), 'the notification to arrive', 30_000);
  for (const m of received) {
    assert.ok(m.secure, `"${m.subject}" came over TLS`);
    assert.is(m.user, USER, `"${m.subject}" came authenticated`);
  }
  assert.equal(received.find((m) => m.subject === 'over implicit tls')?.rcpt, ['ops@contoso.test']);
  await agent.kill();
});

test('security: tls with a caFile of another CA: refused with CertificateRejected, nothing sent', async () => {
  const settings = join(root.path, 'conf', 'wrong-ca.yaml');
  await writeFile(settings, settingsText(otherCaPath));
  const before = received.length;
  const res = await cli(['test', '--config', settings, '--to', 'ops@contoso.test']);
  assert.is(res.code, 1, res.out);
  assert.match(res.out, /verify: FAILED/);
  assert.match(res.out, `CertificateRejected: the certificate of 127.0.0.1:${port} is not trusted`);
  assert.is(received.length, before, 'nothing sent');
});

test.run();
