// Shared shapes of the reconciler and its single attempt.
import type { LoadConfig } from '../config/load-contract.ts';
import type { LoadedConfig } from '../config/settings.ts';
import type { Clock } from '../clock.ts';
import type { Log } from '../log/types.ts';
import type { StatusWriter } from '../status/writer.ts';
import type { CreateTransport, TransportDeps } from '../transports/factory-contract.ts';
import type { Transport, TransportInfo } from '../transports/transport.ts';
import type { TestMessageRegistry } from './test-registry.ts';

/** The settings now in force: the last known good revision and its verified transport. */
export interface LiveSettings {
  config: LoadedConfig;
  transport: Transport;
  info: TransportInfo;
  since: string;
}

export type AttemptResult =
  | 'ready'       // a new transport went live
  | 'unchanged'   // same settings as live (comment-only change, or back to the live file)
  | 'current'     // nothing to do: this exact state was already handled
  | 'rejected'    // invalid file (Stalled)
  | 'stalled'     // permanent transport / test-message failure (Stalled)
  | 'retrying'    // transient failure, retry scheduled
  | 'missing'     // no file (ConfigMissing / ConfigUnreadable)
  | 'abandoned';  // a newer file arrived, or the agent is stopping

export interface AttemptDeps {
  configPath: string;
  stateDir: string;
  loadConfig: LoadConfig;
  createTransport: CreateTransport;
  transportDeps?: TransportDeps;
  status: StatusWriter;
  registry: TestMessageRegistry;
  log: Log;
  clock: Clock;
  host: string;
  env?: NodeJS.ProcessEnv;
  /** After every successful load: the watcher adds the referenced files, the logger learns the secrets. */
  onLoaded?(config: LoadedConfig): void;
}
