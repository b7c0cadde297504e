// The MAPI transport's factory: what the transport factory calls for `service: mapi`.
import type { Settings } from '../../config/settings.ts';
import type { TransportDeps } from '../factory-contract.ts';
import type { Transport } from '../transport.ts';
import { parseDuration } from '../../text/duration.ts';
import { AgentError } from '../../errors.ts';
import { resolveHelperCommand } from './helper-command.ts';
import type { SpawnFn } from './helper-process.ts';
import { MapiTransport } from './transport.ts';

export interface MapiTransportDeps extends TransportDeps {
  platform?: NodeJS.Platform;
  spawn?: SpawnFn;
  onHelperSpawn?: (pid: number | undefined) => void;
  /** Extra deadline for a fresh helper's first request (default 30 s). */
  startupMs?: number;
  /** Keep a copy in Sent Items (default true); false sets PR_DELETE_AFTER_SUBMIT. */
  saveCopy?: boolean;
  /** How long a submitted message may stay in the Outbox before it is StuckInOutbox (default 60 s). */
  outboxWaitMs?: number;
}

export const defaultMapiTimeoutMs = 60_000;
export const defaultMapiStartupMs = 30_000;
export const defaultMapiOutboxWaitMs = 60_000;
/** How long a submitted message may stay in the Outbox (a duration: 60s, 2m), for slow cached-mode syncs. */
export const outboxWaitEnvVar = 'MAIL_AGENT_MAPI_OUTBOX_WAIT';

/** Never throws: a platform without a helper fails verify() and send() with PlatformUnsupported. */
export function createMapiTransport(settings: Readonly<Settings>, deps: MapiTransportDeps = {}): MapiTransport & Transport {
  const env = deps.env ?? process.env;
  let command: string[] | AgentError;
  let outboxWaitMs = deps.outboxWaitMs ?? defaultMapiOutboxWaitMs;
  try {
    command = resolveHelperCommand(env, deps.platform ?? process.platform);
    const wait = env[outboxWaitEnvVar]?.trim();
    if (wait) outboxWaitMs = parseDuration(wait, outboxWaitEnvVar);
  } catch (err) {
    if (!(err instanceof AgentError)) throw err;
    command = err;
  }
  const profile = settings.mapi?.profile ?? 'default';
  return new MapiTransport({
    command,
    env,
    profile: profile === 'default' ? '' : profile,
    timeoutMs: deps.timeoutMs ?? defaultMapiTimeoutMs,
    startupMs: deps.startupMs ?? defaultMapiStartupMs,
    saveCopy: deps.saveCopy ?? true,
    outboxWaitMs,
    ...(deps.spawn ? { spawn: deps.spawn } : {}),
    ...(deps.onHelperSpawn ? { onHelperSpawn: deps.onHelperSpawn } : {}),
  });
}

export { MapiTransport } from './transport.ts';
