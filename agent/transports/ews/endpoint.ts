// Which EWS URL the transport uses, proven by the version probe: `url` as given; for `autodiscover`, the
// URLs cached from an earlier run, else (or when those stop answering) the ones Autodiscover finds now —
// the external one first, the internal one when the external fails. A URL whose scheme is http is refused
// unless allowInsecureHttp.
import { promises as dns } from 'node:dns';
import type { EwsSettings } from '../../config/settings.ts';
import { AgentError, ErrorCodes } from '../../errors.ts';
import type { HttpClient } from '../../http/client.ts';
import type { NameResolver } from '../../http/resolver.ts';
import type { AutodiscoverCache } from './autodiscover/cache.ts';
import { autodiscover } from './autodiscover/discover.ts';
import type { Probed } from './version-probe.ts';

export interface Located {
  endpoint: string;
  found: Probed;
}

export interface LocateDeps {
  ews: EwsSettings;
  client: HttpClient;
  timeoutMs: number;
  resolver?: NameResolver;
  cache?: AutodiscoverCache;
  /** Proves one EWS URL (version detection); throws its AgentError. */
  probe: (endpoint: string) => Promise<Probed>;
}

export async function locateEndpoint(deps: LocateDeps, signal?: AbortSignal): Promise<Located> {
  const { ews } = deps;
  if (ews.url !== undefined) return { endpoint: ews.url, found: await probeUrl(deps, ews.url) };
  const email = ews.autodiscover ?? '';
  const failures = new Map<string, AgentError>();
  const cached = await deps.cache?.read(email);
  if (cached) {
    const hit = await firstWorking(deps, cached.ewsUrls, failures);
    if (hit) return hit;
  }
  const resolver = deps.resolver;
  let discovered;
  try {
    discovered = await autodiscover(email, {
      client: deps.client, timeoutMs: deps.timeoutMs, ...(signal ? { signal } : {}),
      resolveSrv: resolver ? (name) => resolver.resolveSrv(name) : (name) => dns.resolveSrv(name),
    });
  } catch (error) {
    if (!(error instanceof AgentError) || failures.size === 0) throw error;
    throw new AgentError(error.code, `${error.message} (after the cached EWS URL failed: ${describe(failures)})`, { transient: error.transient, cause: error });
  }
  const fresh = discovered.ewsUrls.filter((url) => !failures.has(url));
  const hit = await firstWorking(deps, fresh, failures);
  if (!hit) throw combined(failures);
  await deps.cache?.write(email, discovered).catch(() => undefined); // a cache that cannot be written only costs a rediscovery
  return hit;
}

async function probeUrl(deps: LocateDeps, endpoint: string): Promise<Probed> {
  requireHttps(endpoint, deps.ews.allowInsecureHttp);
  return deps.probe(endpoint);
}

async function firstWorking(deps: LocateDeps, urls: readonly string[], failures: Map<string, AgentError>): Promise<Located | undefined> {
  for (const endpoint of urls) {
    try {
      return { endpoint, found: await probeUrl(deps, endpoint) };
    } catch (error) {
      if (!(error instanceof AgentError)) throw error;
      failures.set(endpoint, error);
    }
  }
  return undefined;
}

/** One URL's error as it is; several: the first (the preferred URL's) code, every URL's reason. */
function combined(failures: Map<string, AgentError>): AgentError {
  const [first] = failures.values();
  if (!first) return new AgentError(ErrorCodes.AutodiscoverFailed, 'Autodiscover gave no EWS URL');
  if (failures.size === 1) return first;
  return new AgentError(first.code, `no EWS URL from Autodiscover answered: ${describe(failures)}`, {
    transient: first.transient, cause: first, ...(first.backoffMs !== undefined ? { backoffMs: first.backoffMs } : {}),
    ...(first.serverCode !== undefined ? { serverCode: first.serverCode } : {}),
  });
}

function describe(failures: Map<string, AgentError>): string {
  return [...failures].map(([url, error]) => `${url}: ${error.code}: ${error.message}`).join('; ');
}

/** Credentials never go over plain HTTP unless the settings allow it (also for an autodiscovered URL). */
function requireHttps(endpoint: string, allowInsecureHttp: boolean): void {
  const protocol = new URL(endpoint).protocol;
  if (protocol === 'https:' || (protocol === 'http:' && allowInsecureHttp)) return;
  throw new AgentError(ErrorCodes.SemanticViolation, `the EWS URL must use https (${protocol} given; allowInsecureHttp is off)`);
}
