// The Graph transport (Exchange Online, app-only OAuth): verify signs in and reads the mailbox's Sent Items
// (a call the granted permissions allow: a 403 says which permission or RBAC scope is missing); send goes by
// MIME sendMail, or by draft and upload sessions when large (send.ts); wasSent settles an unknown outcome
// (was-sent.ts). At most four requests at once for the mailbox, at Exchange Online's pace of sends.
import type { GraphSettings } from '../../config/settings.ts';
import type { HttpClient } from '../../http/client.ts';
import type { TokenSource } from '../../types/token-source.ts';
import type { OutgoingMessage, SendResult, Transport, TransportInfo } from '../transport.ts';
import type { GraphApi } from './api.ts';
import { MAILBOX_CONCURRENCY, type Pace } from './limits.ts';
import { sendMessage } from './send.ts';
import { wasSent, type WasSentContext } from './was-sent.ts';

export interface GraphTransportParts {
  settings: GraphSettings;
  api: GraphApi;
  tokens: TokenSource;
  pace: Pace;
  /** The clients to close: Graph's, and the login host's. */
  clients: HttpClient[];
  /** How long a sent message may take to show in Sent Items: the transport's wasSentWindowMs. */
  sentItemsLagMs: number;
}

export class GraphTransport implements Transport {
  readonly sendConcurrency = MAILBOX_CONCURRENCY;
  /** A "not in Sent Items" sooner than the lag after the attempt is not final (the worker looks again). */
  readonly wasSentWindowMs: number;
  private readonly parts: GraphTransportParts;
  private readonly ctx: WasSentContext;

  constructor(parts: GraphTransportParts) {
    this.parts = parts;
    this.wasSentWindowMs = parts.sentItemsLagMs;
    this.ctx = { api: parts.api, pace: parts.pace, drafts: new Map() };
  }

  async verify(signal?: AbortSignal): Promise<TransportInfo> {
    const { settings, api, tokens } = this.parts;
    await tokens.token(signal);
    await api.call('GET', '/mailFolders/sentitems/messages?$top=1&$select=id', {},
      { what: 'reading Sent Items', permissions: ['Mail.ReadBasic', 'Mail.Read', 'Mail.ReadWrite'] }, signal);
    return this.info(settings);
  }

  async send(message: OutgoingMessage, signal?: AbortSignal): Promise<SendResult> {
    await sendMessage(this.ctx, message, signal);
    return { messageId: message.messageId };
  }

  wasSent(messageId: string, signal?: AbortSignal): Promise<boolean | undefined> {
    return wasSent(this.ctx, messageId, signal);
  }

  tokenExpiresAt(): Date | undefined {
    return this.parts.tokens.expiresAt();
  }

  close(): Promise<void> {
    for (const client of this.parts.clients) client.close();
    return Promise.resolve();
  }

  private info(settings: GraphSettings): TransportInfo {
    const expires = this.parts.tokens.expiresAt();
    return {
      service: 'graph', endpoint: `https://${settings.graphHost}/v1.0/users/${settings.mailbox}`,
      auth: settings.credentials.credential.kind === 'secret' ? 'oauth-client-secret' : 'oauth-certificate',
      account: settings.mailbox, ...(expires ? { tokenExpiresAt: expires.toISOString() } : {}),
    };
  }
}
