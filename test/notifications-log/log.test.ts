import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { NotificationLogEntry } from '../../agent/notifications-log/entry.ts';
import { readLogNewestFirst } from '../../agent/notifications-log/log-reader.ts';
import { NotificationsLogWriter } from '../../agent/notifications-log/log-writer.ts';
import { main } from '../../agent/cli/main.ts';
import { captureIo } from '../helpers/io.ts';
import { withTempDir } from '../helpers/temp-dir.ts';

function entry(i: number): NotificationLogEntry {
  return {
    time: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), id: `id-${i}`, messageId: `<id-${i}@x>`, to: ['ops@contoso.com'],
    subject: `subject ${i}`, transport: 'dryrun', result: i % 3 === 0 ? 'retry' : 'delivered', attempt: 1, durationMs: i,
    ...(i % 3 === 0 ? { code: 'ServerBusy', serverCode: 'ErrorServerBusy', reason: 'busy' } : {}),
  };
}

test('rotates by size keeping N files (0600), read back newest first across files', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'notifications.log');
    const writer = new NotificationsLogWriter(path, { maxBytes: 1000, keep: 2 });
    await Promise.all(Array.from({ length: 40 }, (_, i) => writer.append(entry(i))));
    const names = (await readdir(dir)).sort();
    assert.equal(names, ['notifications.log', 'notifications.log.1', 'notifications.log.2']);
    for (const n of names) {
      const s = await stat(join(dir, n));
      assert.ok(s.size <= 1000, `${n} within the size`);
      assert.is(s.mode & 0o777, 0o600);
    }
    const all = await readLogNewestFirst(path);
    assert.is(all[0]?.id, 'id-39');
    const ids = all.map((e) => Number(e.id.slice(3)));
    assert.equal(ids, [...ids].sort((a, b) => b - a), 'strictly newest first');
    assert.ok(ids.length < 40, 'the oldest rotated away');
    assert.equal((await readLogNewestFirst(path, { tail: 3 })).map((e) => e.id), ['id-39', 'id-38', 'id-37']);
  });
});

test('a torn last line (crash mid-append) is skipped', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'notifications.log');
    await new NotificationsLogWriter(path).append(entry(1));
    await appendFile(path, '{"time":"2026-01-01T00:0');
    assert.equal((await readLogNewestFirst(path)).map((e) => e.id), ['id-1']);
  });
});

test('mail-agent log: --tail, -o json, readable lines; empty when there is no log', async () => {
  await withTempDir(async (state) => {
    const empty = captureIo();
    assert.is(await main(['log', '--state-dir', state], empty), 0);
    assert.is(empty.out(), '');
    const writer = new NotificationsLogWriter(join(state, 'notifications.log'));
    for (let i = 1; i <= 5; i++) await writer.append(entry(i));
    const json = captureIo();
    assert.is(await main(['log', '--state-dir', state, '--tail', '2', '-o', 'json'], json), 0);
    assert.equal(json.out().trim().split('\n').map((l) => (JSON.parse(l) as NotificationLogEntry).id), ['id-5', 'id-4']);
    const text = captureIo({ env: { MAIL_AGENT_STATE_DIR: state } });
    assert.is(await main(['log', '--tail', '3'], text), 0);
    const lines = text.out().trim().split('\n');
    assert.is(lines.length, 3);
    assert.match(lines[2] ?? '', /retry\s+id-3 .*ErrorServerBusy: busy/);
    const bad = captureIo();
    assert.is(await main(['log', '--state-dir', state, '--tail', 'x'], bad), 64);
  });
});

test.run();
