// How the reconciler obtains a transport for loaded settings. Implementation: agent/transports/index.ts
// exports `createTransport` with this signature and imports each transport's module lazily (loading
// ews-javascript-api costs time and memory, docs/performance.md: only when the settings use EWS).
import type { LoadedConfig } from '../config/settings.ts';
import type { NameResolver } from '../http/resolver.ts';
import type { SharedPauses } from '../throttle/shared-pauses.ts';
import type { Transport } from './transport.ts';

export interface TransportDeps {
  /** Per-call deadline in ms. */
  timeoutMs?: number;
  /** DNS lookup override (tests route autodiscover hosts to loopback). */
  lookup?: (hostname: string, options: object, callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void) => void;
  /** Host:port overrides and SRV answers (`--resolve`, `--resolve-srv`); default: the system's DNS. */
  resolver?: NameResolver;
  /** Where the EWS transport keeps what Autodiscover found (the state dir's autodiscover.json); none: not kept. */
  autodiscoverCache?: string;
  /** The environment a transport reads (MAPI: MAIL_AGENT_MAPI_HELPER and the helper's own); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Observer of raw EWS request bodies (tests validate them against Microsoft's schema). */
  onRequest?: (body: string) => void;
  /** Observer of Graph requests (tests check their bodies against Graph's metadata). */
  onGraphRequest?: (request: GraphRequestSeen) => void;
  /** The pauses servers asked for, per account and endpoint, shared by every transport the agent creates
   *  (EWS: new settings for the same account and server start paused); none: each transport its own. */
  pauses?: SharedPauses;
}

/** A request the Graph transport made, as its observer sees it. */
export interface GraphRequestSeen {
  method: string;
  url: string;
  contentType?: string;
  body: Buffer;
}

export type CreateTransport = (config: LoadedConfig, deps?: TransportDeps) => Promise<Transport>;
