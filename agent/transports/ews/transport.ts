// The EWS transport: endpoint (url, server or autodiscover), version, then sends through one kept-alive,
// authenticated HTTP client. Every library call runs under runCall's deadline and error normalization.
import type { ExchangeService } from 'ews-javascript-api';
import type { EwsSettings, ExchangeVersion } from '../../config/settings.ts';
import type { HttpClient, HttpStats } from '../../http/client.ts';
import type { NameResolver } from '../../http/resolver.ts';
import type { OutgoingMessage, SendResult, Transport, TransportInfo } from '../transport.ts';
import type { AutodiscoverCache } from './autodiscover/cache.ts';
import { locateEndpoint } from './endpoint.ts';
import { runCall } from './call-context.ts';
import { createItems, type CreateItemsTarget } from './create-items.ts';
import { SendBatcher } from './send-batcher.ts';
import { serverCodeError } from './server-codes.ts';
import { createService } from './service.ts';
import { detectVersion, probeSentItems } from './version-probe.ts';
import { findSent } from './was-sent.ts';
import type { XhrAdapter } from './xhr-adapter.ts';

interface Ready {
  service: ExchangeService;
  info: TransportInfo;
  batcher: SendBatcher;
}

/** Messages per CreateItem when sends queue up, and their MIME bytes (well under IIS's request limit). */
const MAX_BATCH = 50;
const MAX_BATCH_BYTES = 8 * 1024 * 1024;

export class EwsTransport implements Transport {
  private ready: Promise<Ready> | undefined;

  private readonly ews: EwsSettings;
  private readonly client: HttpClient;
  private readonly xhr: XhrAdapter;
  private readonly timeoutMs: number;
  private readonly locating: { resolver?: NameResolver; cache?: AutodiscoverCache };

  constructor(ews: EwsSettings, client: HttpClient, xhr: XhrAdapter, timeoutMs: number, locating: { resolver?: NameResolver; cache?: AutodiscoverCache } = {}) {
    this.ews = ews;
    this.client = client;
    this.xhr = xhr;
    this.timeoutMs = timeoutMs;
    this.locating = locating;
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
    const { service, info } = await this.connect(signal);
    return runCall(hostOf(info.endpoint), this.timeoutMs, signal, () => findSent(service, messageId));
  }

  close(): Promise<void> {
    this.client.close();
    return Promise.resolve();
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
    const { endpoint, found } = await locateEndpoint({
      ews: this.ews, client: this.client, timeoutMs: this.timeoutMs, ...this.locating,
      probe: (url) => detectVersion(this.ews.version, (version: ExchangeVersion): Promise<ExchangeService> =>
        runCall(hostOf(url), this.timeoutMs, signal, () => probeSentItems(createService(url, version, this.xhr)))),
    }, signal);
    const host = hostOf(endpoint);
    const info: TransportInfo = {
      service: 'ews', endpoint, auth: this.ews.auth, account: this.ews.username ?? this.ews.autodiscover,
      serverVersion: found.version, serverBuild: found.build,
    };
    const service = createService(endpoint, found.version, this.xhr);
    const target: CreateItemsTarget = {
      client: this.client, endpoint: new URL(endpoint), version: found.version, saveCopy: this.ews.saveCopy, timeoutMs: this.timeoutMs,
      ...(this.xhr.onRequest ? { onRequest: this.xhr.onRequest } : {}),
    };
    const batcher = new SendBatcher({
      host, maxInFlight: this.client.maxConnectionsPerOrigin, maxBatch: MAX_BATCH, maxBytes: MAX_BATCH_BYTES,
      sendOne: async (message, callSignal) => {
        const [outcome] = await createItems(target, [message], callSignal);
        if (outcome?.serverCode !== undefined) throw serverCodeError(outcome.serverCode, host, outcome.backoffMs);
      },
      sendMany: (messages) => createItems(target, messages),
      itemError: (outcome) => serverCodeError(outcome.serverCode, host, outcome.backoffMs),
    });
    return { service, info, batcher };
  }
}

function hostOf(endpoint: string): string {
  return new URL(endpoint).host;
}
