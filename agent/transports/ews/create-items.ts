// Sends composed messages with one CreateItem, written and read by us (create-items-request/-response.ts)
// and posted on the transport's kept-alive, authenticated connections. Failures are the same AgentErrors
// the library path gives: faults.ts judges the HTTP answer, server-codes.ts each refused item.
import type { ExchangeVersion } from '../../config/settings.ts';
import type { HttpClient } from '../../http/client.ts';
import { deadline } from '../../http/deadline.ts';
import { version as agentVersion } from '../../version.ts';
import type { OutgoingMessage } from '../transport.ts';
import { createItemsXml } from './create-items-request.ts';
import { readCreateItemsResponse, type ItemOutcome } from './create-items-response.ts';
import { classifyResponse } from './faults.ts';

export interface CreateItemsTarget {
  client: HttpClient;
  endpoint: URL;
  version: ExchangeVersion;
  saveCopy: boolean;
  timeoutMs: number;
  /** App-only OAuth: the mailbox to act as. */
  impersonate?: string;
  /** Sees each request body (tests validate them against the schema). */
  onRequest?: (body: string) => void;
}

const headers = { 'Content-Type': 'text/xml; charset=utf-8', Accept: 'text/xml', 'User-Agent': `mail-settings-agent/${agentVersion}` };

/** One outcome per message, in order; throws when the request as a whole failed. */
export async function createItems(target: CreateItemsTarget, messages: readonly OutgoingMessage[], signal?: AbortSignal): Promise<ItemOutcome[]> {
  const xml = createItemsXml(messages, target.version, target.saveCopy, target.impersonate);
  target.onRequest?.(xml);
  const host = target.endpoint.host;
  const bound = deadline(target.timeoutMs, signal);
  try {
    const response = await target.client.request({ method: 'POST', url: target.endpoint, headers, body: Buffer.from(xml, 'utf8'), signal: bound.signal });
    const problem = classifyResponse(response, host);
    if (problem) throw problem;
    const outcomes = readCreateItemsResponse(response.body.toString('utf8'), host);
    return messages.map((_m, i) => outcomes[i] ?? { serverCode: 'ErrorMissingResponse' });
  } finally {
    bound.dispose();
  }
}
