// Issue #12 item 2: two agents with different hostnames (each in a UTS namespace of its own, as containers
// sharing a volume are) on one state dir. The second exits 1 at once naming the holder; 40 notifications are
// delivered 40 times, not 80. Real processes, a real sandbox.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { revisionOf } from '../../agent/config/revision.ts';
import { exitedWithin } from '../helpers/child.ts';
import { needTools } from '../helpers/tools.ts';
import { rig, type Rig } from './helpers/e2e.ts';

const asHost = (name: string) => ['unshare', '--uts', '--', 'sh', '-c', 'hostname "$0" && exec "$@"', name];

if (needTools(import.meta.url, test, ['unshare-uts'])) {
  let r: Rig;
  test.before(async () => { r = await rig(); });
  test.after(async () => { await r.cleanup(); });

  test('a second agent under another hostname exits 1 at once naming the holder; 40 sends are delivered 40 times', async () => {
    const text = await r.write();
    const first = r.startAgent([], undefined, asHost('agent-a'));
    await r.untilStatus((d) => d.lastApplied?.revision === revisionOf(text), 'applied');
    const second = r.startAgent([], undefined, asHost('agent-b'));
    // One that took the state dir over would run on: it is stopped, and the test fails, after 30 s.
    const code = await exitedWithin(second, 30_000);
    assert.is(code, 1, second.output());
    assert.match(second.output(), /another mail-agent holds the state dir .* \(pid \d+ on host agent-a, started /);
    assert.is(first.proc.exitCode, null, 'the holder runs on');

    for (let i = 0; i < 40; i++) {
      const sent = await r.cli(['send', '--state-dir', r.stateDir, '--to', 'ops@contoso.test', '--subject', `two hosts ${i}`]);
      assert.is(sent.code, 0, sent.err);
    }
    await r.untilStatus((d) => d.queue.delivered >= 40 && d.queue.pending === 0, '40 delivered', 60_000);
    // The holder stops cleanly: after its exit nothing else can deliver, so the count below is final.
    assert.is(await first.kill('SIGTERM'), 0);
    const deliveries = (await r.sandbox.deliveries()).filter((d) => d.subject.startsWith('two hosts '));
    assert.is(deliveries.length, 40);
    assert.is(new Set(deliveries.map((d) => d.subject)).size, 40);
  });
}

test.run();
