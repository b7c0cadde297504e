// ews-javascript-api's pluggable HTTP layer (IXHRApi), implemented on our HttpClient. Only plain SOAP 200s
// reach the library; every other outcome is reported to the running call (call-context.ts) as an AgentError
// and the library's promise is left pending, so its fragile error paths never run.
import type { IXHRApi, IXHROptions } from 'ews-javascript-api';
import { AgentError, ErrorCodes } from '../../errors.ts';
import { version } from '../../version.ts';
import type { HttpClient } from '../../http/client.ts';
import type { HttpResponse } from '../../http/exchange.ts';
import { currentCall, type CallContext } from './call-context.ts';
import { classifyResponse } from './faults.ts';

/** What IXHRApi.xhr resolves to (XMLHttpRequest in the library's types). */
type LibraryXhr = Awaited<ReturnType<IXHRApi['xhr']>>;

/** The subset of XMLHttpRequest the library reads. */
interface XhrLike {
  status: number;
  responseText: string;
  response: string;
  headers: Record<string, string>;
  getResponseHeader(name: string): string | null;
  getAllResponseHeaders(): string;
}

const userAgent = `mail-settings-agent/${version}`;

/** Headers the library sets that our client owns. */
const dropped = new Set(['authorization', 'content-length', 'connection', 'host']);

export class XhrAdapter implements IXHRApi {
  readonly apiName = 'mail-agent';

  private readonly client: HttpClient;
  /** Sees each request body (tests validate them); the transport's own CreateItem requests go to it too. */
  readonly onRequest: ((body: string) => void) | undefined;

  constructor(client: HttpClient, onRequest?: (body: string) => void) {
    this.client = client;
    this.onRequest = onRequest;
  }

  async xhr(options: IXHROptions): Promise<LibraryXhr> {
    const call = currentCall();
    if (!call) throw new AgentError(ErrorCodes.Internal, 'EWS request outside a deadline-bound call');
    const url = new URL(options.url);
    const body = typeof options.data === 'string' ? options.data : '';
    this.onRequest?.(body);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries((options.headers ?? {}) as Record<string, unknown>)) {
      if (!dropped.has(name.toLowerCase()) && typeof value === 'string') headers[name] = value;
    }
    headers['User-Agent'] = userAgent;
    let response: HttpResponse;
    try {
      response = await this.client.request({ method: options.type === 'GET' ? 'GET' : 'POST', url, headers, body: Buffer.from(body, 'utf8'), signal: call.signal });
    } catch (error) {
      return divert(call, error instanceof AgentError ? error : new AgentError(ErrorCodes.Internal, 'HTTP layer failed', { cause: error }));
    }
    const problem = classifyResponse(response, url.host);
    if (problem) return divert(call, problem);
    return toXhr(response) as LibraryXhr;
  }

  xhrStream(): Promise<LibraryXhr> {
    return Promise.reject(new AgentError(ErrorCodes.Internal, 'streaming EWS requests are not used'));
  }

  disconnect(): void {
    // Connections belong to the transport; it closes them.
  }

}

/** Hands the failure to the call and never settles the library's promise. */
function divert(call: CallContext, error: AgentError): Promise<LibraryXhr> {
  call.fail(error);
  return new Promise<LibraryXhr>(() => undefined);
}

function toXhr(response: HttpResponse): XhrLike {
  const text = response.body.toString('utf8');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return {
    status: response.status, responseText: text, response: text, headers,
    getResponseHeader: (name) => headers[name.toLowerCase()] ?? null,
    getAllResponseHeaders: () => Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n'),
  };
}
