// The EWS transport: endpoint (url, server or autodiscover), version, then sends through one kept-alive,
// authenticated HTTP client. Every library call runs under runCall's deadline and error normalization.
import type { ExchangeService } from 'ews-javascript-api';
import { AgentError, ErrorCodes } from '../../errors.ts';
import type { EwsSettings, ExchangeVersion } from '../../config/settings.ts';
import type { HttpClient, HttpStats } from '../../http/client.ts';
import type { TokenSource } from '../../oauth/token-source.ts';
import type { OutgoingMessage, SendResult, Transport, TransportInfo } from '../transport.ts';
import { autodiscover } from './autodiscover.ts';
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
  /** App-only OAuth: the token source, and the mailbox its requests act for (ExchangeImpersonation). */
  private readonly app: { tokens: TokenSource; mailbox: string; clients: HttpClient[] } | undefined;

  constructor(ews: EwsSettings, client: HttpClient, xhr: XhrAdapter, timeoutMs: number, app?: { tokens: TokenSource; mailbox: string; clients: HttpClient[] }) {
    this.ews = ews;
    this.client = client;
    this.xhr = xhr;
    this.timeoutMs = timeoutMs;
    this.app = app;
  }

  tokenExpiresAt(): Date | undefined {
    return this.app?.tokens.expiresAt();
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
    for (const other of this.app?.clients ?? []) other.close();
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
    const endpoint = this.ews.url ?? await autodiscover(this.client, this.ews.autodiscover ?? '', this.timeoutMs, signal);
    requireHttps(endpoint, this.ews.allowInsecureHttp);
    const host = hostOf(endpoint);
    const impersonate = this.app?.mailbox;
    const probe = (version: ExchangeVersion): Promise<ExchangeService> =>
      runCall(host, this.timeoutMs, signal, () => probeSentItems(createService(endpoint, version, this.xhr, impersonate)));
    const found = await detectVersion(this.ews.version, probe);
    const expires = this.app?.tokens.expiresAt();
    const info: TransportInfo = {
      service: 'ews', endpoint, auth: this.ews.auth, account: this.ews.username ?? this.ews.autodiscover,
      serverVersion: found.version, serverBuild: found.build, ...(expires ? { tokenExpiresAt: expires.toISOString() } : {}),
    };
    const service = createService(endpoint, found.version, this.xhr, impersonate);
    const target: CreateItemsTarget = {
      client: this.client, endpoint: new URL(endpoint), version: found.version, saveCopy: this.ews.saveCopy, timeoutMs: this.timeoutMs,
      ...(this.xhr.onRequest ? { onRequest: this.xhr.onRequest } : {}), ...(impersonate !== undefined ? { impersonate } : {}),
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

/** Credentials never go over plain HTTP unless the settings allow it (also for an autodiscovered URL). */
function requireHttps(endpoint: string, allowInsecureHttp: boolean): void {
  const protocol = new URL(endpoint).protocol;
  if (protocol === 'https:' || (protocol === 'http:' && allowInsecureHttp)) return;
  throw new AgentError(ErrorCodes.SemanticViolation, `the EWS URL must use https (${protocol} given; allowInsecureHttp is off)`);
}

function hostOf(endpoint: string): string {
  return new URL(endpoint).host;
}
