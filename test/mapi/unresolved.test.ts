// #16: a recipient the address book does not know (IAddrBook::ResolveName → MAPI_E_NOT_FOUND) that is not
// an SMTP address either — `root@intranet`, valid for `mail-agent send` (a dotless domain) but nothing a
// one-off SMTP entry could deliver — fails that notification for good, named, instead of being handed to
// the transport unresolved (a non-delivery report later). The other notifications still go. Through Wine's
// real mapi32 stub and the test provider's address book ($MAPI_TEST_GAL), beside the ambiguous-name test in
// outlook.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AgentError } from '../../agent/errors.ts';
import { classifyFailure } from '../../agent/queue/outcome.ts';
import { createMapiTransport } from '../../agent/transports/mapi/index.ts';
import { outgoing } from './messages.ts';
import { agentErrorOf } from '../helpers/agent-error.ts';
import { mapiSettings } from './settings.ts';
import { readLog, wineTests } from './wine.ts';

const gal = 'Help Desk <helpdesk@contoso.test>,Boss <boss@contoso.test>';

wineTests('test/mapi/unresolved.test.ts', test, (wine) => {
  test('an unknown name that is no SMTP address fails its notification (RecipientRejected, MAPI_E_NOT_FOUND, named); nothing of it is submitted', async () => {
    const log = wine().newLog();
    const t = createMapiTransport(mapiSettings('default'), { env: wine().env({ MAPI_TEST_PROVIDER_LOG: log, MAPI_TEST_GAL: gal }) });
    try {
      const unknown = outgoing({ text: 'to nobody known' }, { to: ['helpdesk@contoso.test'], cc: ['root@intranet'] });
      const fine = outgoing({ text: 'to the help desk' }, { to: ['helpdesk@contoso.test'] });
      const [first, second] = await Promise.allSettled([agentErrorOf(t.send(unknown)), t.send(fine)]);
      assert.is(first.status, 'fulfilled', 'the unresolvable one was refused');
      const err = (first as PromiseFulfilledResult<AgentError>).value;
      assert.is(err.code, 'RecipientRejected');
      assert.is(err.transient, false, 'resending cannot help');
      assert.is(classifyFailure(err).transient, false, 'the queue fails it for good');
      assert.is(err.serverCode, 'MAPI_E_NOT_FOUND', "ResolveName's answer");
      assert.match(err.message, /cc address root@intranet is not in the address book and is not an SMTP address/);
      assert.is(second.status, 'fulfilled', 'the other notification went');
      const submitted = readLog(log);
      assert.equal(submitted.map((r) => r.props.PR_INTERNET_MESSAGE_ID_W), [fine.messageId], 'nothing of the failed one was submitted');
      assert.equal(submitted[0]?.ndr, [], 'no non-delivery report');
    } finally {
      await t.close();
    }
  });
});

test.run();
