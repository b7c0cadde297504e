// Graph requests for one mailbox: under its concurrency limit and a deadline, with the app's token (the
// HTTP client adds it and renews it on a 401 invalid_token); non-2xx answers become AgentErrors. Upload URLs
// are pre-authenticated: they go without a token.
import { AgentError, ErrorCodes } from '../../errors.ts';
import { deadline } from '../../deadline.ts';
import { abortError } from '../../http/errors.ts';
import type { HttpClient } from '../../http/client.ts';
import type { HttpMethod, HttpResponse } from '../../http/exchange.ts';
import { tokenRoles } from '../../oauth/jwt.ts';
import type { TokenSource } from '../../types/token-source.ts';
import { version } from '../../version.ts';
import type { GraphRequestSeen } from '../factory-contract.ts';
import { answerError, type Operation } from './answers.ts';
import { MAILBOX_CONCURRENCY, Semaphore } from './limits.ts';

export interface GraphApiOptions {
  http: HttpClient;
  tokens: TokenSource;
  /** https://HOST/v1.0/users/{mailbox} */
  userUrl: string;
  mailbox: string;
  timeoutMs: number;
  /** Sees each request (tests check the bodies against Graph's metadata). */
  onRequest?: (request: GraphRequestSeen) => void;
}

export interface Payload { json?: unknown; mime?: Buffer }

const userAgent = `mail-settings-agent/${version}`;

export class GraphApi {
  private readonly limit = new Semaphore(MAILBOX_CONCURRENCY);
  private readonly o: GraphApiOptions;
  readonly host: string;

  constructor(options: GraphApiOptions) {
    this.o = options;
    this.host = new URL(options.userUrl).host;
  }

  get mailbox(): string {
    return this.o.mailbox;
  }

  /** `path` after users/{mailbox}; 2xx answers are returned, others thrown. */
  async call(method: HttpMethod, path: string, payload: Payload, op: Omit<Operation, 'host' | 'mailbox' | 'roles'>, signal?: AbortSignal): Promise<HttpResponse> {
    const url = new URL(`${this.o.userUrl}${path}`);
    const [contentType, body] = payload.mime ? ['text/plain', Buffer.from(payload.mime.toString('base64'), 'latin1')]
      : payload.json !== undefined ? ['application/json', Buffer.from(JSON.stringify(payload.json), 'utf8')] : [undefined, Buffer.alloc(0)];
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': userAgent, ...(contentType ? { 'Content-Type': contentType } : {}) };
    this.o.onRequest?.({ method, url: url.href, ...(contentType ? { contentType } : {}), body });
    const response = await this.inTurn(signal, async () => {
      const bound = deadline(this.o.timeoutMs, signal);
      try {
        return await this.o.http.request({ method, url, headers, body, signal: bound.signal });
      } finally {
        bound.dispose();
      }
    });
    if (response.status >= 200 && response.status < 300) return response;
    throw answerError(response, { ...op, host: this.host, mailbox: this.o.mailbox, roles: await this.roles() });
  }

  /** A range to a pre-authenticated upload URL. */
  async upload(uploadUrl: string, chunk: Buffer, start: number, total: number, signal?: AbortSignal): Promise<HttpResponse> {
    const url = new URL(uploadUrl);
    const headers = { 'Content-Range': `bytes ${start}-${start + chunk.length - 1}/${total}`, 'Content-Type': 'application/octet-stream', 'User-Agent': userAgent };
    this.o.onRequest?.({ method: 'PUT', url: `${url.origin}${url.pathname}`, body: Buffer.alloc(0) });
    const response = await this.inTurn(signal, async () => {
      const bound = deadline(this.o.timeoutMs, signal);
      try {
        return await this.o.http.request({ method: 'PUT', url, headers, body: chunk, signal: bound.signal, anonymous: true });
      } finally {
        bound.dispose();
      }
    });
    if (response.status >= 200 && response.status < 300) return response;
    throw answerError(response, { what: 'uploading an attachment', permissions: ['Mail.ReadWrite'], host: url.host, mailbox: this.o.mailbox });
  }

  /** Waits for one of the mailbox's four places; given up waiting, the call is a Timeout like any deadline. */
  private async inTurn<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
    try {
      return await this.limit.run(signal, work);
    } catch (err) {
      throw err instanceof AgentError ? err : abortError(signal?.reason ?? err, this.host);
    }
  }

  /** The application permissions of the token held now (for the 403 message). */
  private async roles(): Promise<string[]> {
    try {
      return tokenRoles((await this.o.tokens.token()).value);
    } catch {
      return [];
    }
  }
}

/** A success's JSON body; a body that is none is a protocol error (an answer cut off: the outcome is unknown). */
export function jsonOf(response: HttpResponse, host: string): Record<string, unknown> {
  try {
    const value = JSON.parse(response.body.toString('utf8')) as unknown;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // below
  }
  throw new AgentError(ErrorCodes.ProtocolError, `${host} answered HTTP ${response.status} without the JSON object it should carry`, { transient: true });
}
