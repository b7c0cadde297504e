// What an Outlook profile on Exchange does with what the helper hands it, played by the test provider under
// Wine (through Wine's real mapi32 stub): recipients without an entry id come back as non-delivery reports,
// a represented sender without its entry id is replaced by the profile's owner, a cached store's Outbox is
// emptied only by sync ticks on the thread that initialised MAPI, and a profile's sign-in can expire. A recipient
// the address book refuses (ambiguous, or unknown and no SMTP address) fails its own notification only.
// Each test fails with the helper before issue #16 (MAPI_TEST_HELPER_EXE=an old build: see docs/mapi.md).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AgentError } from '../../agent/errors.ts';
import { classifyFailure } from '../../agent/queue/outcome.ts';
import { createMapiTransport } from '../../agent/transports/mapi/index.ts';
import { waitFor } from '../helpers/wait.ts';
import { outgoing } from './messages.ts';
import { agentErrorOf as rejection } from '../helpers/agent-error.ts';
import { mapiSettings } from './settings.ts';
import { withLoggedTransport } from './logged-transport.ts';
import { readLog, transported, wineTests } from './wine.ts';

const gal = 'Help Desk <helpdesk@contoso.test>,Boss <boss@contoso.test>';
const oneOffUid = Buffer.from([0x81, 0x2b, 0x1f, 0xa4, 0xbe, 0xa3, 0x10, 0x19, 0x9d, 0x6e, 0x00, 0xdd, 0x01, 0x0f, 0x54, 0x02]);
const bytes = (value: unknown) => Buffer.from(String(value), 'base64');
/** A one-off entry id: 4 flag bytes, then MAPI_ONE_OFF_UID. */
const isOneOff = (value: unknown) => bytes(value).subarray(4, 20).equals(oneOffUid);

wineTests('test/mapi/outlook.test.ts', test, (wine) => {
  test('every recipient resolved: a GAL mailbox by the address book (EX), an outside address as a one-off (SMTP); no NDR', async () => {
    await withLoggedTransport(wine(), 'default', { MAPI_TEST_GAL: gal }, async (t, log) => {
      await t.send(outgoing({ text: 'resolved' }, { to: ['helpdesk@contoso.test'], cc: ['someone@fabrikam.test'] }));
      const [rec] = readLog(log);
      assert.ok(rec);
      assert.equal(rec.ndr, [], 'no non-delivery report');
      const [inside, outside] = rec.recipients;
      assert.equal([inside?.PR_RECIPIENT_TYPE, inside?.PR_ADDRTYPE_W, inside?.PR_DISPLAY_NAME_W, inside?.PR_SMTP_ADDRESS_W], [1, 'EX', 'Help Desk', 'helpdesk@contoso.test']);
      assert.is(bytes(inside?.PR_ENTRYID).toString(), 'GAL:helpdesk@contoso.test');
      assert.equal([outside?.PR_RECIPIENT_TYPE, outside?.PR_ADDRTYPE_W, outside?.PR_EMAIL_ADDRESS_W], [2, 'SMTP', 'someone@fabrikam.test']);
      assert.ok(isOneOff(outside?.PR_ENTRYID), 'a one-off entry id (IAddrBook::CreateOneOff)');
      assert.is(bytes(outside?.PR_SEARCH_KEY).toString(), 'SMTP:SOMEONE@FABRIKAM.TEST\0');
    });
  });

  test('an address book whose ResolveName makes the one-off itself (as MAPI documents): resolved the same, no NDR', async () => {
    await withLoggedTransport(wine(), 'default', { MAPI_TEST_ONEOFF: 'resolve' }, async (t, log) => {
      await t.send(outgoing({ text: 'one-off by ResolveName' }, { to: ['someone@fabrikam.test'] }));
      const [rec] = readLog(log);
      assert.equal(rec?.ndr, []);
      assert.ok(isOneOff(rec?.recipients[0]?.PR_ENTRYID));
    });
  });

  /** A recipient the address book refuses: that notification fails for good, named, and nothing of it is
   *  submitted; the other notification, sent at the same time, still goes. */
  const refusedRecipients = [
    {
      name: 'an address that matches two address book entries fails its notification (RecipientRejected, named), not the others',
      gal: 'Help Desk A <helpdesk@contoso.test>,Help Desk B <helpdesk@contoso.test>',
      refused: outgoing({ text: 'to whom?' }, { to: ['ops@contoso.test'], cc: ['helpdesk@contoso.test'] }),
      fine: outgoing({ text: 'to ops' }, { to: ['ops@contoso.test'] }),
      which: 'the ambiguous one', serverCode: 'MAPI_E_AMBIGUOUS_RECIP',
      says: /cc address helpdesk@contoso\.test matches more than one address book entry/,
    },
    {
      // #16: ResolveName → MAPI_E_NOT_FOUND for a name that is no SMTP address either (`root@intranet`, valid for
      // `mail-agent send`, a dotless domain, but nothing a one-off SMTP entry could deliver): failed here rather
      // than handed to the transport unresolved (a non-delivery report later).
      name: 'an unknown name that is no SMTP address fails its notification (RecipientRejected, MAPI_E_NOT_FOUND, named); nothing of it is submitted',
      gal,
      refused: outgoing({ text: 'to nobody known' }, { to: ['helpdesk@contoso.test'], cc: ['root@intranet'] }),
      fine: outgoing({ text: 'to the help desk' }, { to: ['helpdesk@contoso.test'] }),
      which: 'the unresolvable one', serverCode: 'MAPI_E_NOT_FOUND',
      says: /cc address root@intranet is not in the address book and is not an SMTP address/,
    },
  ];

  for (const { name, gal: book, refused, fine, which, serverCode, says } of refusedRecipients) {
    test(name, async () => {
      await withLoggedTransport(wine(), 'default', { MAPI_TEST_GAL: book }, async (t, log) => {
        const [first, second] = await Promise.allSettled([rejection(t.send(refused)), t.send(fine)]);
        assert.is(first.status, 'fulfilled', `${which} was refused`);
        const err = (first as PromiseFulfilledResult<AgentError>).value;
        assert.is(err.code, 'RecipientRejected');
        assert.is(err.transient, false, 'resending cannot help');
        assert.is(classifyFailure(err).transient, false, 'the queue fails it for good');
        assert.is(err.serverCode, serverCode, "ResolveName's answer");
        assert.match(err.message, says);
        assert.is(second.status, 'fulfilled', 'the other notification went');
        const submitted = readLog(log);
        assert.equal(submitted.map((r) => r.props.PR_INTERNET_MESSAGE_ID_W), [fine.messageId], 'nothing of the failed one was submitted');
        assert.equal(submitted[0]?.ndr, [], 'no non-delivery report');
      });
    });
  }

  test('send on behalf sets the whole represented-sender set, so the owner is not put in its place (GAL mailbox and outside address)', async () => {
    await withLoggedTransport(wine(), 'default', { MAPI_TEST_GAL: gal }, async (t, log) => {
      await t.send(outgoing({ text: 'for the boss', onBehalfOf: 'boss@contoso.test' }));
      await t.send(outgoing({ text: 'for a partner', onBehalfOf: 'partner@fabrikam.test' }));
      const [boss, partner] = readLog(log);
      assert.ok(boss && partner);
      assert.is(boss.representingRewritten, false, 'the provider kept the represented sender');
      assert.is(bytes(boss.props.PR_SENT_REPRESENTING_ENTRYID).toString(), 'GAL:boss@contoso.test');
      assert.equal([boss.props.PR_SENT_REPRESENTING_NAME_W, boss.props.PR_SENT_REPRESENTING_ADDRTYPE_W], ['Boss', 'EX']);
      assert.match(String(boss.props.PR_SENT_REPRESENTING_EMAIL_ADDRESS_W), /\/cn=Recipients\/cn=boss$/);
      assert.match(bytes(boss.props.PR_SENT_REPRESENTING_SEARCH_KEY).toString(), /^EX:\/O=CONTOSO\/.*\/CN=BOSS\0$/);
      assert.is(partner.representingRewritten, false);
      assert.ok(isOneOff(partner.props.PR_SENT_REPRESENTING_ENTRYID));
      assert.equal([partner.props.PR_SENT_REPRESENTING_ADDRTYPE_W, partner.props.PR_SENT_REPRESENTING_EMAIL_ADDRESS_W], ['SMTP', 'partner@fabrikam.test']);
      assert.is(bytes(partner.props.PR_SENT_REPRESENTING_SEARCH_KEY).toString(), 'SMTP:PARTNER@FABRIKAM.TEST\0');
    });
  });

  test('Cached Exchange Mode: the store is opened online (MDB_ONLINE), so the message never waits in the local Outbox', async () => {
    await withLoggedTransport(wine(), 'default', { MAPI_TEST_STORE: 'cached', MAPI_TEST_SYNC: 'never' }, async (t, log) => {
      assert.is((await t.verify()).store, 'online');
      await t.send(outgoing({ text: 'online' }));
      const [rec] = readLog(log);
      assert.equal([rec?.store, rec?.outbox], ['online', false]);
    });
  });

  test('a profile that cannot open its store online: cached, and delivered only once a sync tick took it out of the Outbox', async () => {
    await withLoggedTransport(wine(), 'default', { MAPI_TEST_STORE: 'cached-only', MAPI_TEST_SYNC: '100' }, async (t, log) => {
      assert.is((await t.verify()).store, 'cached');
      const message = outgoing({ text: 'through the cache' });
      await t.send(message);
      // The sync tick is a timer message on the thread that initialised MAPI: it ran, so that thread pumps.
      assert.ok(transported(log).includes(message.messageId), 'the Outbox was emptied before the send counted as delivered');
      assert.equal([readLog(log)[0]?.store, readLog(log)[0]?.outbox], ['cached', true]);
      assert.is(await t.wasSent(message.messageId), true, 'now in Sent Items');
    });
  });

  test('cached and no sync comes: StuckInOutbox, never "delivered" nor "not sent"; a later sync → wasSent true; sent once', async () => {
    const log = wine().newLog();
    const env = { MAPI_TEST_PROVIDER_LOG: log, MAPI_TEST_STORE: 'cached-only' };
    const t = createMapiTransport(mapiSettings('default'), { env: wine().env({ ...env, MAPI_TEST_SYNC: 'never' }), outboxWaitMs: 300 });
    const outlook = createMapiTransport(mapiSettings('default'), { env: wine().env({ ...env, MAPI_TEST_SYNC: '100' }) });
    try {
      const message = outgoing({ text: 'stuck' });
      const err = await rejection(t.send(message));
      assert.is(err.code, 'StuckInOutbox');
      assert.is(err.transient, true);
      assert.match(err.message, /still in the Outbox of profile Outlook after 300 ms: the profile's store is the cached copy/);
      assert.ok(classifyFailure(err).maybeSent, 'the queue asks wasSent before anything is sent again');
      const asked = await rejection(t.wasSent(message.messageId));
      assert.is(asked.code, 'StuckInOutbox', 'in the Outbox: neither sent nor to be sent again');
      assert.is((await rejection(t.send(outgoing({ text: 'stuck too' })))).code, 'StuckInOutbox');
      await outlook.verify(); // another MAPI session whose sync runs (as Outlook's would)
      await waitFor(() => transported(log).includes(message.messageId), 'a sync tick to empty the Outbox', 20_000);
      assert.is(await t.wasSent(message.messageId), true);
      assert.is(readLog(log).filter((r) => r.props.PR_INTERNET_MESSAGE_ID_W === message.messageId).length, 1, 'submitted once');
    } finally {
      await t.close();
      await outlook.close();
    }
  });

  test('the thread that initialised MAPI pumps its queue between commands: the message MAPI posted at logon is gone by submit', async () => {
    await withLoggedTransport(wine(), 'default', {}, async (t, log) => {
      await t.verify();
      await t.send(outgoing({ text: 'pumped' }));
      assert.is(readLog(log)[0]?.pumped, true);
    });
  });

  test('the sign-in expires after two sends: AuthExpired, transient, saying what to do; a first logon refused stays AuthFailed', async () => {
    const log = wine().newLog();
    const env = wine().env({ MAPI_TEST_PROVIDER_LOG: log, MAPI_TEST_FAIL_AFTER: '2' });
    const t = createMapiTransport(mapiSettings('Notifications'), { env });
    const fresh = createMapiTransport(mapiSettings('Notifications'), { env });
    try {
      await t.send(outgoing({ text: 'one' }));
      await t.send(outgoing({ text: 'two' }));
      const err = await rejection(t.send(outgoing({ text: 'three' })));
      assert.is(err.code, 'AuthExpired');
      assert.is(err.transient, true, 'notifications wait for someone to sign in again');
      assert.is(err.serverCode, 'MAPI_E_LOGON_FAILED');
      assert.match(err.message, /profile Notifications failed after 2 notification\(s\)/);
      assert.match(err.message, /start Outlook with this profile and sign in, then run `mail-agent test`/);
      assert.is(readLog(log).length, 2);
      const first = await rejection(fresh.verify());
      assert.is(first.code, 'AuthFailed', 'no earlier sends: nothing says it expired');
      assert.match(first.message, /MAPILogonEx.*0x80040111.*if it worked before, it may have expired/);
    } finally {
      await t.close();
      await fresh.close();
    }
  });
});

test.run();
