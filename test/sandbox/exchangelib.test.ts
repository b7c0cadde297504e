// The sandbox driven by an independent client: Debian's python3-exchangelib (run with /usr/bin/python3).
// Basic and NTLM sends, version guessing, SendAs denied, ServerBusy retried under FaultTolerance, a
// wrong password refused. One Python process runs every job (importing exchangelib takes seconds)
// against sandboxes set up for them; the tests then check what each job and sandbox saw.
// Without exchangelib the file is left out (listed at the end of the run; a failure in CI).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { FaultKind } from '../../agent/sandbox/index.ts';
import { ACCOUNT, directory, scenarioHooks, type Scenario } from './exchangelib-jobs.ts';
import { tempSandbox, type TestSandbox } from './helpers.ts';
import { validateEnvelopes } from '../helpers/ews-schema.ts';
import { needTools } from '../helpers/tools.ts';

interface Result { ok: boolean; version?: string; build?: string; error?: string; message?: string; copies?: Record<string, number>; found?: number }
interface Seen { operation?: string; status: number; response: string; injected?: FaultKind }
interface Box { sb: TestSandbox; seen: Seen[] }

const scenarios: Record<string, Scenario> = {
  basic: { options: {}, jobs: [{ auth: 'basic', subject: 'exchangelib basic' }] },
  ntlm: { options: {}, jobs: [{ auth: 'ntlm', subject: 'exchangelib ntlm' }] },
  sp1: { options: { version: 'Exchange2013_SP1' }, jobs: [{ auth: 'basic' }] },
  denied: { options: {}, jobs: [{ auth: 'basic', author: 'ceo@corp.test' }] },
  busy: { options: { faults: [{ kind: 'busy', count: 2, backoffMs: 50 }] }, jobs: [{ auth: 'basic', faultTolerance: true }] },
  wrong: { options: {}, jobs: [{ auth: 'basic', password: 'wrong' }, { auth: 'ntlm', password: 'wrong' }] },
  mimeDraft: { options: {}, jobs: [{ auth: 'basic', mimeDraft: '<mime-draft.1@corp.test>' }] },
  folders: { options: {}, jobs: [{ auth: 'basic', subject: 'copy kept in junk', copyTo: 'junk' }, { auth: 'ntlm', subject: 'saved in inbox, copy in trash', saveIn: 'inbox', copyTo: 'trash' }] },
};

if (needTools(import.meta.url, test, ['exchangelib', 'xmllint'])) {
  const { box, results } = scenarioHooks<Box, Result>(test, scenarios, async (options) => {
    const seen: Seen[] = [];
    return { sb: await tempSandbox({ directory, ...options, tap: (x) => seen.push(x) }), seen };
  });

  async function deliveries(sb: TestSandbox): Promise<Array<{ files: string[]; from: string; to: string[] }>> {
    const text = await readFile(path.join(sb.dataDir, 'deliveries.jsonl'), 'utf8').catch(() => '');
    return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { files: string[]; from: string; to: string[] });
  }

  for (const auth of ['basic', 'ntlm']) {
    test(`${auth}: exchangelib guesses Exchange2016 (stepping down from Exchange2019) and sends`, async () => {
      const { sb, seen } = box(auth);
      assert.equal(results.get(auth), [{ ok: true, version: 'Exchange2016', build: '15.1.2507.6' }]);
      assert.ok(seen.some((s) => s.status === 500 && /ErrorInvalidServerVersion/.test(s.response)), 'it asked for a newer version first');
      const [d] = await deliveries(sb);
      assert.ok(d?.files[0]);
      const mail = await simpleParser(await readFile(path.join(sb.dataDir, d.files[0])));
      assert.is(mail.subject, `exchangelib ${auth}`);
      assert.is(mail.text?.trim(), 'Grüße & <hello>');
      assert.equal(mail.from?.value.map((v) => v.address), [ACCOUNT.email]);
      assert.equal(d.to, ['ops@example.test']);
      await validateEnvelopes(seen.filter((s) => s.status === 200).map((s) => s.response));
    });
  }

  test('version guessing against an Exchange2013_SP1 sandbox ends on Exchange2013_SP1, build 15.0.1497', () => {
    assert.equal(results.get('sp1'), [{ ok: true, version: 'Exchange2013_SP1', build: '15.0.1497.2' }]);
  });

  test('a From without a grant: exchangelib raises ErrorSendAsDenied and nothing is delivered', async () => {
    assert.is(results.get('denied')?.[0]?.error, 'ErrorSendAsDenied');
    assert.is((await deliveries(box('denied').sb)).length, 0);
  });

  test('ErrorServerBusy with BackOffMilliseconds is retried under FaultTolerance, then sent once', async () => {
    const { sb, seen } = box('busy');
    assert.is(results.get('busy')?.[0]?.ok, true, JSON.stringify(results.get('busy')));
    assert.is(seen.filter((s) => s.injected === 'busy').length, 2);
    assert.is((await deliveries(sb)).length, 1);
  });

  // Exchange takes a message's properties from its MIME when CreateItem gives only MimeContent (MS-OXCMAIL's
  // mapping; Message-ID is PidTagInternetMessageId, MS-OXPROPS 2.749): exchangelib finds the draft by it.
  test('a draft exchangelib saves as MimeContent only is found in Drafts by the MIME\'s Message-ID, and is not sent', async () => {
    const { sb } = box('mimeDraft');
    assert.equal(results.get('mimeDraft'), [{ ok: true, found: 1 }]);
    assert.is((await deliveries(sb)).length, 0);
  });

  test('exchangelib keeps the sent copy in a folder of its choosing (SavedItemFolderId), and sends a draft it saved in another', async () => {
    const { sb, seen } = box('folders');
    const [copy, draft] = results.get('folders') ?? [];
    assert.equal(copy?.copies, { junk: 1, sent: 0 }, JSON.stringify(copy));
    assert.equal(draft?.copies, { inbox: 0, sent: 0, trash: 1 }, JSON.stringify(draft));
    const requests = seen.map((s) => s.operation);
    assert.ok(requests.includes('SendItem'), requests.join());
    assert.equal((await deliveries(sb)).map((d) => d.to), [['ops@example.test'], ['ops@example.test']]);
    await validateEnvelopes(seen.filter((s) => s.status === 200).map((s) => s.response));
  });

  test('a wrong password is refused (Basic and NTLM)', async () => {
    assert.equal(results.get('wrong')?.map((r) => r.error), ['UnauthorizedError', 'UnauthorizedError']);
    assert.is((await deliveries(box('wrong').sb)).length, 0);
  });
}

test.run();
