// The real agent (`mail-agent run`, a child process) under Wine when Outlook's profile misbehaves as real
// ones do: a cached store whose Outbox is not synchronized, and a sign-in that expires after some sends.
// What the operator sees: the notifications log, the status file's TransportReady, `mail-agent status`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { findCondition } from '../../agent/status/model.ts';
import { createMapiTransport } from '../../agent/transports/mapi/index.ts';
import type { NotificationLogEntry } from '../../agent/notifications-log/entry.ts';
import { waitFor } from '../helpers/wait.ts';
import { AgentRig } from './agent-rig.ts';
import { mapiSettings } from './settings.ts';
import { readLog, transported, wineTests } from './wine.ts';

wineTests('test/mapi/e2e-outlook.test.ts', test, (wine) => {
  let rig: AgentRig | undefined;

  async function started(name: string, env: Record<string, string>): Promise<AgentRig> {
    rig = new AgentRig(path.join(wine().tmp, name));
    const text = await rig.write({});
    rig.start(wine().env(env));
    const res = await rig.wait(text);
    assert.is(res.code, 0, res.out + res.err + rig.output());
    return rig;
  }
  async function queue(r: AgentRig, subject: string): Promise<void> {
    const body = path.join(wine().tmp, `${subject}.txt`);
    await writeFile(body, subject);
    const res = await r.send(['--to', 'ops@contoso.test', '--subject', subject, '--body', body]);
    assert.is(res.code, 0, res.out + res.err);
  }
  async function logEntries(r: AgentRig): Promise<NotificationLogEntry[]> {
    const out = (await r.cli(['log', '--state-dir', r.stateDir, '-o', 'json'])).out;
    return out.split('\n').filter(Boolean).map((line) => JSON.parse(line) as NotificationLogEntry);
  }
  async function transportReady(r: AgentRig, reason: string): Promise<void> {
    await waitFor(async () => findCondition(await r.status(), 'TransportReady')?.reason === reason, `TransportReady ${reason}`, 20_000);
  }

  test('cached store, no sync: not counted as sent (log retry StuckInOutbox, TransportReady False); once Outlook syncs: delivered once, found in Sent Items', async () => {
    const log = wine().newLog();
    const r = await started('cached', { MAPI_TEST_PROVIDER_LOG: log, MAPI_TEST_STORE: 'cached-only', MAPI_TEST_SYNC: 'never', MAIL_AGENT_MAPI_OUTBOX_WAIT: '300ms' });
    assert.is((await r.status()).lastApplied?.transport.store, 'cached');
    await queue(r, 'kept in the Outbox');
    await waitFor(async () => (await logEntries(r)).some((e) => e.code === 'StuckInOutbox'), 'a StuckInOutbox line in the log', 20_000);
    const stuck = (await logEntries(r)).find((e) => e.code === 'StuckInOutbox');
    assert.is(stuck?.result, 'retry', 'not delivered, not failed: asked again later');
    assert.match(stuck?.reason ?? '', /still in the Outbox of profile Outlook after 300 ms/);
    await transportReady(r, 'StuckInOutbox');
    const shown = await r.cli(['status', '--status', r.statusPath]);
    assert.match(shown.out, /TransportReady\s+False\s+StuckInOutbox: MAPI: the message was submitted but is still in the Outbox/);
    assert.match(shown.out, /^Ready: Applied/m, 'the revision is still the live one');

    const outlook = createMapiTransport(mapiSettings('default'), { env: wine().env({ MAPI_TEST_PROVIDER_LOG: log, MAPI_TEST_STORE: 'cached-only', MAPI_TEST_SYNC: '100' }) });
    try {
      await outlook.verify(); // Outlook (another MAPI session) opens the profile and its sync runs
      await waitFor(() => readLog(log).length > 0 && transported(log).length > 0, 'the sync to empty the Outbox', 20_000);
    } finally {
      await outlook.close();
    }
    await waitFor(async () => (await logEntries(r)).some((e) => e.result === 'delivered'), 'the delivery in the log', 30_000);
    const delivered = (await logEntries(r)).find((e) => e.result === 'delivered');
    assert.is(delivered?.confirmedBy, 'wasSent', 'found in Sent Items, not sent again');
    assert.is(readLog(log).filter((rec) => rec.props.PR_SUBJECT_W === 'kept in the Outbox').length, 1, 'submitted once');
    await transportReady(r, 'Delivering');
    assert.is(findCondition(await r.status(), 'TransportReady')?.status, 'True');
    assert.is(await r.stop(), 0, r.output());
  });

  test('the sign-in expires after a good send: the next notification waits (retry AuthExpired) and TransportReady says what to do', async () => {
    const log = wine().newLog();
    const r = await started('expired', { MAPI_TEST_PROVIDER_LOG: log, MAPI_TEST_FAIL_AFTER: '1' });
    await queue(r, 'before expiry');
    await waitFor(() => readLog(log).length === 1, 'the first notification', 20_000);
    await queue(r, 'after expiry');
    await waitFor(async () => (await logEntries(r)).some((e) => e.code === 'AuthExpired'), 'an AuthExpired line in the log', 20_000);
    const entry = (await logEntries(r)).find((e) => e.code === 'AuthExpired');
    assert.equal([entry?.result, entry?.subject], ['retry', 'after expiry']);
    await transportReady(r, 'AuthExpired');
    const condition = findCondition(await r.status(), 'TransportReady');
    assert.is(condition?.status, 'False');
    assert.match(condition?.message ?? '', /its saved sign-in has expired/);
    assert.match(condition?.message ?? '', /start Outlook with this profile and sign in, then run `mail-agent test`/);
    assert.is(readLog(log).length, 1, 'nothing more was sent');
    assert.is(await r.stop(), 0, r.output());
  });

  test.after(async () => { await rig?.kill(); });
});

test.run();
