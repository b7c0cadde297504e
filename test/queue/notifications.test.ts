import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../agent/cli/main.ts';
import { startNotifications } from './start-notifications.ts';
import { DryRunTransport } from '../helpers/dryrun/dryrun-transport.ts';
import { captureIo } from '../helpers/io.ts';
import { withTempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait.ts';

test('send (CLI) → the agent\'s notifications service delivers through the live transport and logs it', async () => {
  await withTempDir(async (state) => {
    let live: DryRunTransport | undefined = undefined;
    let asked = 0;
    const service = await startNotifications({ stateDir: state, getTransport: () => { asked += 1; return live; }, describeTransport: () => 'dryrun' });
    const askedAtStart = asked;
    const io = captureIo();
    assert.is(await main(['send', '--state-dir', state, '--to', 'ops@contoso.com', '--subject', 'hello'], io), 0);
    const id = io.out().trim();
    // The service saw the new entry (its watch on pending/) and asked for a transport to send it through.
    await waitFor(() => asked > askedAtStart, 'the service looking for a transport for the new entry');
    assert.is((await service.counts()).pending, 1, 'waits while no transport is live');
    live = new DryRunTransport();
    service.wake();
    await waitFor(async () => (await service.counts()).delivered === 1, 'delivery');
    await service.stop();
    assert.is(live.sent[0]?.subject, 'hello');
    const log = captureIo();
    assert.is(await main(['log', '--state-dir', state, '-o', 'json'], log), 0);
    const line = JSON.parse(log.out()) as { id: string; result: string; transport: string };
    assert.equal([line.id, line.result, line.transport], [id, 'delivered', 'dryrun']);
  });
});

test.run();
