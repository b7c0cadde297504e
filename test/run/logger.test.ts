// The logger: JSON or text, level filter, secrets masked by key and by value.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PassThrough } from 'node:stream';
import { createLogger } from '../../agent/log/logger.ts';

function capture(isTTY: boolean) {
  const stream = new PassThrough() as PassThrough & { isTTY?: boolean };
  stream.isTTY = isTTY;
  let text = '';
  stream.on('data', (c: Buffer) => { text += c.toString('utf8'); });
  return { stream, text: () => text };
}

test('JSON lines when not a TTY, with the step fields', async () => {
  const out = capture(false);
  const log = createLogger({ stream: out.stream });
  log.info('reconcile step', { revision: 'abc123', step: 'verify', durationMs: 12 });
  await log.close();
  const line = JSON.parse(out.text().trim()) as Record<string, unknown>;
  assert.is(line.message, 'reconcile step');
  assert.is(line.step, 'verify');
  assert.is(line.durationMs, 12);
  assert.is(line.level, 'info');
  assert.type(line.timestamp, 'string');
});

test('readable text on a TTY; --log-format json wins over the TTY', async () => {
  const tty = capture(true);
  const log = createLogger({ stream: tty.stream });
  log.warn('transient failure; retrying', { reason: 'ServerBusy', retryInMs: 250 });
  await log.close();
  assert.match(tty.text(), /WARN {2}transient failure; retrying {2}reason=ServerBusy retryInMs=250/);
  const forced = capture(true);
  const json = createLogger({ stream: forced.stream, format: 'json' });
  json.info('x');
  await json.close();
  assert.ok(JSON.parse(forced.text()));
});

test('the level filters; secrets are masked by key and by value anywhere', async () => {
  const out = capture(false);
  const log = createLogger({ stream: out.stream, level: 'warn' });
  log.secrets.add('S3cret-Value!');
  log.info('hidden by level');
  log.error('login failed with S3cret-Value! in the text', { password: 'other', nested: { note: 'echo S3cret-Value!' }, token: 'tkn' });
  await log.close();
  const text = out.text();
  assert.not.match(text, 'hidden by level');
  assert.not.match(text, 'S3cret-Value!');
  assert.not.match(text, 'other');
  assert.not.match(text, 'tkn');
  assert.match(text, '[REDACTED]');
});

test('a field without a value is left out, in text and in JSON (no `client=undefined`)', async () => {
  const tty = capture(true);
  const text = createLogger({ stream: tty.stream });
  text.info('settings live', { revision: 'sha256:ab', endpoint: 'https://mail.contoso.test/EWS/Exchange.asmx', serverVersion: undefined, client: undefined, retryAt: null });
  await text.close();
  assert.match(tty.text(), /settings live {2}revision=sha256:ab endpoint=https:\/\/mail\.contoso\.test\/EWS\/Exchange\.asmx retryAt=null\n$/);
  assert.not.match(tty.text(), 'undefined');
  const out = capture(false);
  const json = createLogger({ stream: out.stream });
  json.info('settings live', { revision: 'sha256:ab', client: undefined });
  await json.close();
  assert.equal(Object.keys(JSON.parse(out.text()) as object).sort(), ['level', 'message', 'revision', 'timestamp']);
});

test.run();
