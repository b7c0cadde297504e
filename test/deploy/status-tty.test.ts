// `mail-agent status` for people: colour only on a terminal and without NO_COLOR; `--wait` on a terminal
// says on stderr what it waits for while it waits, and erases that line at the end.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { main } from '../../agent/cli/main.ts';
import { initialStatus } from '../../agent/status/initial.ts';
import * as t from '../../agent/status/transitions.ts';
import { captureIo, type CapturedIo } from '../helpers/io.ts';
import { withTempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait.ts';

const Revision = 'sha256:' + 'ab'.repeat(32);
const Esc = '\x1b[';
// eslint-disable-next-line no-control-regex -- SGR escape codes are what this test looks for
const Sgr = /\x1b\[\d+m/g;
const unstyled = (text: string) => text.replace(Sgr, '');

async function writeReady(path: string): Promise<void> {
  const doc = initialStatus('/etc/mail-agent/mail-settings.yaml', new Date());
  const at = new Date().toISOString();
  t.observed(doc, Revision, at);
  t.applied(doc, { revision: Revision, settingsDigest: 'sha256:' + 'cd'.repeat(32), transport: { service: 'ews', endpoint: 'https://mail.contoso.test/EWS/Exchange.asmx' }, unchanged: false, at, durationMs: 5 });
  await writeFile(path, JSON.stringify(doc));
}

function io(tty: { out: boolean; err: boolean }, env: NodeJS.ProcessEnv = {}): CapturedIo {
  const c = captureIo({ env, tty });
  // Piped: a stream that says it is not a terminal (as process.stdout does when piped), not one that does not say.
  if (!tty.out) Object.assign(c.stdout, { isTTY: false });
  if (!tty.err) Object.assign(c.stderr, { isTTY: false });
  return c;
}

test('on a terminal: a coloured summary headed by Ready; piped or NO_COLOR: the same text, plain', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'status.json');
    await writeReady(path);
    const tty = io({ out: true, err: true });
    assert.is(await main(['status', '--status', path], tty), 0, tty.err());
    assert.ok(tty.out().includes(`${Esc}32m`), 'green on a terminal');
    const plainText = unstyled(tty.out());
    assert.match(plainText.split('\n')[0]!, /^Ready: Applied \(ababababab/);
    for (const [name, c] of [['piped', io({ out: false, err: false })], ['NO_COLOR', io({ out: true, err: true }, { NO_COLOR: '1' })]] as const) {
      assert.is(await main(['status', '--status', path], c), 0);
      assert.not.ok(c.out().includes(Esc), `${name}: no escape codes`);
      assert.is(c.out(), plainText, `${name}: the same text`);
    }
  });
});

test('--wait on a terminal: what it waits for, on stderr, erased at the end; nothing on stderr when piped', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'status.json');
    const args = ['status', '--status', path, '--wait', '--for-revision', Revision, '--timeout', '10s'];
    const tty = io({ out: true, err: true });
    const waiting = main(args, tty);
    await waitFor(() => tty.err().includes('does not exist'), 'the progress line saying the file is not there yet');
    await writeReady(path);
    assert.is(await waiting, 0, tty.out() + tty.err());
    assert.match(tty.err(), /waiting for revision ababababab.. \(\d+ s\): status file .* does not exist/);
    assert.ok(tty.err().endsWith('\r\x1b[2K'), 'the progress line is erased');
    assert.match(unstyled(tty.out()), `Ready: ${Revision} is live`);
    const piped = io({ out: false, err: false });
    assert.is(await main(args, piped), 0);
    assert.is(piped.err(), '');
  });
});

test.run();
