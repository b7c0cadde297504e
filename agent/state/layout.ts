// The state directory's layout (docs/notifications.md "State dir"; these names are shared by the agent,
// `send` and `log`, which run as separate processes beside one another).
import { join } from 'node:path';

export function statePaths(stateDir: string) {
  return {
    dir: stateDir,
    /** Single-instance lock of `mail-agent run`. */
    lock: join(stateDir, 'agent.lock'),
    /** The settings now live (no secrets): what `send` checks a notification against. */
    applied: join(stateDir, 'applied.json'),
    /** Settings digests whose test message was delivered, so a restart does not send it again. */
    testMessages: join(stateDir, 'test-messages.json'),
    /** The durable notification spool. */
    spool: join(stateDir, 'spool'),
    /** Outgoing-notifications log (JSON lines, rotated by size). */
    notificationsLog: join(stateDir, 'notifications.log'),
    /** What EWS Autodiscover found, per mailbox (no secrets), so a restart need not discover again. */
    autodiscover: join(stateDir, 'autodiscover.json'),
  };
}
