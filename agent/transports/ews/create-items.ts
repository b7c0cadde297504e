// Sends composed messages with one CreateItem, written and read by us (create-items-request.ts,
// response-messages.ts) and posted on the transport's kept-alive, authenticated connections. Failures are
// the same AgentErrors the library path gives: faults.ts judges the HTTP answer, server-codes.ts each
// refused item.
import type { ExchangeVersion } from '../../config/settings.ts';
import type { HttpClient } from '../../http/client.ts';
import { deadline } from '../../deadline.ts';
import { version as agentVersion } from '../../version.ts';
import type { OutgoingMessage } from '../transport.ts';
import { createItemsXml } from './create-items-request.ts';
import { readResponseMessages, type ItemOutcome, type ResponseMessage } from './response-messages.ts';
import { failureOf } from './faults.ts';

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

/**
 * "EWS limits the execution time of a batch request to one minute" (Microsoft, "EWS throttling in
 * Exchange"): a server working through a throttled batch may take that long, so a batch's deadline is the
 * request timeout plus that minute (a request of one message keeps the request timeout).
 */
export const EXCHANGE_BATCH_LIMIT_MS = 60_000;

/** The deadline of a CreateItem of `count` messages. */
export function createItemsDeadlineMs(timeoutMs: number, count: number): number {
  return timeoutMs + (count > 1 ? EXCHANGE_BATCH_LIMIT_MS : 0);
}

const headers = { 'Content-Type': 'text/xml; charset=utf-8', Accept: 'text/xml', 'User-Agent': `mail-settings-agent/${agentVersion}` };

/** Posts one request; throws when the answer as a whole is a failure, else returns its response messages. */
export async function postEws(target: CreateItemsTarget, xml: string, timeoutMs: number, signal?: AbortSignal): Promise<ResponseMessage[]> {
  target.onRequest?.(xml);
  const host = target.endpoint.host;
  const bound = deadline(timeoutMs, signal);
  try {
    const response = await target.client.request({ method: 'POST', url: target.endpoint, headers, body: Buffer.from(xml, 'utf8'), signal: bound.signal });
    const problem = failureOf(response, host);
    if (problem) throw problem;
    return readResponseMessages(response.body.toString('utf8'), host);
  } finally {
    bound.dispose();
  }
}

/** One outcome per message, in order; throws when the request as a whole failed. */
export async function createItems(target: CreateItemsTarget, messages: readonly OutgoingMessage[], signal?: AbortSignal): Promise<ItemOutcome[]> {
  const xml = createItemsXml(messages, target.version, target.saveCopy, target.impersonate);
  const answers = await postEws(target, xml, createItemsDeadlineMs(target.timeoutMs, messages.length), signal);
  return messages.map((_m, i) => answers[i]?.outcome ?? { serverCode: 'ErrorMissingResponse' });
}
