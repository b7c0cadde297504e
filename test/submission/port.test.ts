// The submission port on its own (agent/submission/port.ts), with a real spool in a temp dir and Python's
// smtplib as the client: which From it accepts when the settings name none, and what it tells the status.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { LoadedConfig, MessageSettings } from '../../agent/config/settings.ts';
import { silentLog } from '../../agent/log/types.ts';
import { Spool } from '../../agent/queue/spool.ts';
import { SubmissionPort } from '../../agent/submission/port.ts';
import type { SubmissionStatus } from '../../agent/types/submission-status.ts';
import { smtplib } from '../helpers/smtp-clients.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { needTools } from '../helpers/tools.ts';

const message: MessageSettings = { charset: 'utf-8', plainText: false, fromDelegation: false };

function config(digest: string): LoadedConfig {
  return {
    path: '/x', revision: 'sha256:0', settingsDigest: 'sha256:0', referencedFiles: [], warnings: [], secrets: {},
    settings: { apiVersion: 'mail-agent/v1', kind: 'MailSettings', service: 'ews', message, test: { onChange: true },
      submission: { listen: '127.0.0.1:0', host: '127.0.0.1', port: 0, users: [], maxMessageMB: 1 } },
    submissionDigest: digest,
  };
}

const raw = (from: string) => `From: ${from}\r\nTo: ops@contoso.test\r\nSubject: port\r\n\r\nx\r\n`;

if (needTools(import.meta.url, test, ['smtplib'])) {
  test('without message.from: the account\'s own address when it is one; otherwise a refusal that says what to set', async () => {
    const dir = await tempDir('port');
    let account: string | undefined = 'svc-notify@contoso.test';
    const statuses: (SubmissionStatus | undefined)[] = [];
    const port = new SubmissionPort({
      spool: await Spool.open(join(dir.path, 'state')), log: silentLog, onAccepted: () => undefined,
      live: () => ({ message, ...(account ? { account } : {}) }),
      onStatus: (s) => statuses.push(s),
    });
    try {
      await port.apply(config('sha256:a'));
      const where = port.address()!;
      assert.equal(statuses.at(-1)?.address, `127.0.0.1:${where.port}`);
      const ok = await smtplib({ host: '127.0.0.1', port: where.port, from: account, to: ['ops@contoso.test'], message: raw(account) });
      assert.ok(ok.ok, JSON.stringify(ok));
      const [queued] = await readdir(join(dir.path, 'state', 'spool', 'pending'));
      const meta = JSON.parse((await readFile(join(dir.path, 'state', 'spool', 'pending', queued!), 'utf8')).split('\n')[0]!) as { source: { via: string } };
      assert.is(meta.source.via, 'smtp');
      account = 'CONTOSO\\svc-notify';
      const refused = await smtplib({ host: '127.0.0.1', port: where.port, from: 'svc-notify@contoso.test', to: ['ops@contoso.test'], message: raw('svc-notify@contoso.test') });
      assert.is(refused.error?.code, 550);
      assert.match(refused.error!.text, /^5\.7\.1 from: svc-notify@contoso\.test is not allowed: the settings name no 'From' address \(message\.from\) .*set message\.from: svc-notify@contoso\.test; nothing queued/);
      const reported = statuses.length;
      await port.apply(config('sha256:a'));
      assert.is(statuses.length, reported, 'the same section: the port is not restarted');
      await port.apply(config('sha256:b'));
      assert.is(statuses.length, reported + 1, 'another section: restarted');
      assert.is(statuses.at(-1)?.state, 'Listening');
    } finally {
      await port.stop();
      await dir.cleanup();
    }
  });
}

test.run();
