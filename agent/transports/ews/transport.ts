// The EWS transport: endpoint (url, server or autodiscover), version, then sends through one kept-alive,
// authenticated HTTP client. Every library call runs under runCall's deadline and error normalization.
import type { ExchangeService } from 'ews-javascript-api';
import type { EwsSettings, ExchangeVersion } from '../../config/settings.ts';
import type { HttpClient, HttpStats } from '../../http/client.ts';
import type { NameResolver } from '../../http/resolver.ts';
import type { TokenSource } from '../../types/token-source.ts';
import { AgentError, ErrorCodes } from '../../errors.ts';
import type { SendPause } from '../../throttle/pause.ts';
import { budgetKey, SharedPauses } from '../../throttle/shared-pauses.ts';
import type { OutgoingMessage, SendResult, Transport, TransportInfo } from '../transport.ts';
import type { AutodiscoverCache } from './autodiscover/cache.ts';
import { locateEndpoint } from './endpoint.ts';
import { runCall } from './call-context.ts';
import { createItems, EXCHANGE_BATCH_LIMIT_MS, type CreateItemsTarget } from './create-items.ts';
import { SendBatcher } from './send-batcher.ts';
import { itemError } from './server-codes.ts';
import { createService } from './service.ts';
import { detectVersion, probeSentItems } from './version-probe.ts';
import { findSent } from './was-sent.ts';
import type { XhrAdapter } from './xhr-adapter.ts';

interface Ready {
  info: TransportInfo;
  batcher: SendBatcher;
  target: CreateItemsTarget;
}

/** Messages per CreateItem when sends queue up, and their MIME bytes (well under IIS's request limit). */
const MAX_BATCH = 50;
const MAX_BATCH_BYTES = 8 * 1024 * 1024;

export class EwsTransport implements Transport {
  private ready: Promise<Ready> | undefined;
  /** The last connection established (its batcher holds the pause). */
  private live: Ready | undefined;
  /**
   * A message whose request reached the server is in the Outbox (or Sent Items) once that request is done,
   * and a throttled request may work through its items for up to Exchange's one minute: not found sooner
   * after a send than this, it may still be on its way (the worker then looks again before sending anew).
   */
  readonly wasSentWindowMs = EXCHANGE_BATCH_LIMIT_MS;

  private readonly ews: EwsSettings;
  private readonly client: HttpClient;
  private readonly xhr: XhrAdapter;
  private readonly timeoutMs: number;
  private readonly locating: { resolver?: NameResolver; cache?: AutodiscoverCache };
  /** App-only OAuth: the token source, and the mailbox its requests act for (ExchangeImpersonation). */
  private readonly app: AppOnly | undefined;
  /** The server's pauses per account, shared with the agent's other transports (Exchange throttles per account). */
  private readonly pauses: SharedPauses;

  constructor(ews: EwsSettings, client: HttpClient, xhr: XhrAdapter, timeoutMs: number,
    options: { locating?: { resolver?: NameResolver; cache?: AutodiscoverCache }; app?: AppOnly; pauses?: SharedPauses } = {}) {
    this.ews = ews;
    this.client = client;
    this.xhr = xhr;
    this.timeoutMs = timeoutMs;
    this.locating = options.locating ?? {};
    this.app = options.app;
    this.pauses = options.pauses ?? new SharedPauses();
  }

  tokenExpiresAt(): Date | undefined {
    return this.app?.tokens.expiresAt();
  }

  /** The last connection's endpoint and version: after a step-down, the version found again. */
  currentInfo(): TransportInfo | undefined {
    return this.live?.info;
  }

  async verify(signal?: AbortSignal): Promise<TransportInfo> {
    this.ready = undefined; // verify always proves the server again
    return (await this.connect(signal)).info;
  }

  async send(message: OutgoingMessage, signal?: AbortSignal): Promise<SendResult> {
    const { batcher } = await this.connect(signal);
    await batcher.send(message, signal);
    return { messageId: message.messageId };
  }

  async wasSent(messageId: string, signal?: AbortSignal): Promise<boolean | undefined> {
    const { target, batcher } = await this.connect(signal);
    // Through the send queue: it waits for a connection and for any pause (no request inside an advised
    // back-off), and a busy answer to it pauses the sends too (the server's budget is the account's).
    return batcher.schedule(() => findSent(target, messageId, signal), signal);
  }

  close(): Promise<void> {
    this.live?.batcher.close();
    this.client.close();
    for (const other of this.app?.clients ?? []) other.close();
    return Promise.resolve();
  }

  /** Until when sends are paused after a busy answer (epoch ms; 0 or past: not paused). */
  pausedUntil(): number {
    return this.live?.batcher.pausedUntil ?? 0;
  }

  /** Requests in flight and messages per CreateItem allowed now (they drop on busy answers, then recover). */
  sendLimits(): { connections: number; batch: number } | undefined {
    return this.live?.batcher.limits;
  }

  /** Sockets opened and NTLM handshakes made so far (for tests and benchmarks). */
  connectionStats(): HttpStats {
    return { ...this.client.stats };
  }

  private connect(signal?: AbortSignal): Promise<Ready> {
    if (!this.ready) {
      const attempt = this.establish(signal);
      this.ready = attempt;
      attempt.catch(() => { if (this.ready === attempt) this.ready = undefined; });
    }
    return this.ready;
  }

  private async establish(signal?: AbortSignal): Promise<Ready> {
    const impersonate = this.app?.mailbox;
    const { endpoint, found } = await locateEndpoint({
      ews: this.ews, client: this.client, timeoutMs: this.timeoutMs, ...this.locating,
      probe: (url) => {
        this.refuseInsidePause(url);
        return detectVersion(this.ews.version, (version: ExchangeVersion): Promise<ExchangeService> =>
          runCall(hostOf(url), this.timeoutMs, signal, () => probeSentItems(createService(url, version, this.xhr, impersonate))));
      },
    }, signal);
    const host = hostOf(endpoint);
    const expires = this.app?.tokens.expiresAt();
    const info: TransportInfo = {
      service: 'ews', endpoint, auth: this.ews.auth, account: this.ews.username ?? this.ews.autodiscover,
      serverVersion: found.version, serverBuild: found.build, ...(expires ? { tokenExpiresAt: expires.toISOString() } : {}),
    };
    const target: CreateItemsTarget = {
      client: this.client, endpoint: new URL(endpoint), version: found.version, saveCopy: this.ews.saveCopy, timeoutMs: this.timeoutMs,
      ...(this.xhr.onRequest ? { onRequest: this.xhr.onRequest } : {}), ...(impersonate !== undefined ? { impersonate } : {}),
    };
    const batcher = new SendBatcher({
      host, maxInFlight: this.client.maxConnectionsPerOrigin, maxBatch: MAX_BATCH, maxBytes: MAX_BATCH_BYTES, pause: this.pauseAt(endpoint),
      sendMany: (messages, callSignal) => createItems(target, messages, callSignal),
      itemError: (outcome, message) => itemError(outcome, message, host),
      // The mailbox moved to an older server: the next send finds the version again.
      onVersionRefused: () => { this.ready = undefined; },
    });
    this.live = { info, batcher, target };
    return this.live;
  }

  /** The pause this account has at `endpoint`, whichever transport was told it. */
  private pauseAt(endpoint: string): SendPause {
    return this.pauses.for(budgetKey({ service: 'ews', endpoint, account: this.ews.username ?? this.ews.autodiscover }));
  }

  /** Verify asks nothing of a server that asked this account to pause (the reconciler retries after it). */
  private refuseInsidePause(endpoint: string): void {
    const pause = this.pauseAt(endpoint);
    const remaining = pause.remainingMs(Date.now());
    if (remaining <= 0) return;
    throw new AgentError(ErrorCodes.ServerBusy, `not verified yet: ${hostOf(endpoint)} asked this account to pause until ${new Date(pause.until).toISOString()}`,
      { transient: true, backoffMs: remaining });
  }
}

/** App-only OAuth: the token source, the mailbox every request acts for, and the clients to close with it. */
export interface AppOnly {
  tokens: TokenSource;
  mailbox: string;
  clients: HttpClient[];
}

function hostOf(endpoint: string): string {
  return new URL(endpoint).host;
}
