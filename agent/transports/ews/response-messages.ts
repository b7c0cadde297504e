// Reads an EWS answer (HTTP 200; CreateItem, FindItem) with a streaming parser, in the one pass that also
// checks that it is a whole SOAP envelope: each item's ResponseClass, ResponseCode and
// m:MessageXml values (BackOffMilliseconds, InnerErrorResponseCode), in order, without building a DOM.
// Exchange answers every item on its own; an item answered with a Warning and a code (ErrorBatchProcessingStopped:
// not processed) was not sent either. Elements are matched by local name (namespace processing doubled saxes'
// cost; the names are EWS's own).
import { SaxesParser } from 'saxes';
import { AgentError, ErrorCodes } from '../../errors.ts';
import { notSoap } from './faults.ts';

function localName(name: string): string {
  return name.slice(name.indexOf(':') + 1);
}

/** What became of one message of a request: its server code when the server refused it (or did not get to it). */
export interface ItemOutcome { serverCode?: string; backoffMs?: number; innerCode?: string }

interface Reading { responseClass: string; code: string; values: Map<string, string>; value: string | undefined; inCode: boolean; total?: number }

/** One response message: its outcome, and for FindItem the RootFolder's TotalItemsInView. */
export interface ResponseMessage { outcome: ItemOutcome; totalItemsInView?: number }

export function readCreateItemsResponse(xml: string, host: string): ItemOutcome[] {
  return readResponseMessages(xml, host).map((m) => m.outcome);
}

export function readResponseMessages(xml: string, host: string): ResponseMessage[] {
  const parser = new SaxesParser();
  const outcomes: ResponseMessage[] = [];
  let depth = 0;
  let messagesDepth = -1;
  let item: Reading | undefined;
  let failure: Error | undefined;
  let envelope = false;
  let complete = false;
  parser.on('error', (err) => { failure ??= err; });
  parser.on('opentag', (tag) => {
    depth += 1;
    const local = localName(tag.name);
    if (depth === 1) envelope = local === 'Envelope';
    if (local === 'ResponseMessages') messagesDepth = depth;
    else if (messagesDepth >= 0 && depth === messagesDepth + 1) {
      item = { responseClass: String(tag.attributes.ResponseClass ?? ''), code: '', values: new Map(), value: undefined, inCode: false };
    } else if (item && local === 'ResponseCode') item.inCode = true;
    else if (item && local === 'RootFolder' && typeof tag.attributes.TotalItemsInView === 'string') item.total = Number(tag.attributes.TotalItemsInView);
    else if (item && local === 'Value' && typeof tag.attributes.Name === 'string') {
      item.value = tag.attributes.Name;
      item.values.set(item.value, '');
    }
  });
  parser.on('text', (text) => {
    if (item?.inCode) item.code += text;
    else if (item?.value !== undefined) item.values.set(item.value, (item.values.get(item.value) ?? '') + text);
  });
  parser.on('closetag', () => {
    if (item && messagesDepth >= 0 && depth === messagesDepth + 1) {
      outcomes.push({ outcome: outcomeOf(item), ...(item.total !== undefined && Number.isFinite(item.total) ? { totalItemsInView: item.total } : {}) });
      item = undefined;
    } else if (item) {
      item.inCode = false;
      item.value = undefined;
    }
    if (depth === messagesDepth) messagesDepth = -1;
    depth -= 1;
    if (depth === 0) complete = true;
  });
  try {
    parser.write(xml).close();
  } catch (err) {
    failure ??= err as Error;
  }
  // A 200 that is not a whole SOAP envelope (cut short, a proxy's page) is worth another try.
  if (!envelope || !complete) throw notSoap(host);
  // As library-errors.ts words it for a response ews-javascript-api cannot read.
  if (failure) throw new AgentError(ErrorCodes.ProtocolError, `${host} sent a response the EWS client could not read`, { cause: failure });
  return outcomes;
}

function outcomeOf(item: Reading): ItemOutcome {
  const code = item.code.trim();
  const refused = item.responseClass === 'Error' || (item.responseClass === 'Warning' && code !== '' && code !== 'NoError');
  if (!refused) return {};
  const backoffText = item.values.get('BackOffMilliseconds')?.trim() ?? '';
  const backoff = Number(backoffText);
  const inner = item.values.get('InnerErrorResponseCode')?.trim();
  return {
    serverCode: code || 'ErrorUnknown',
    ...(backoffText !== '' && Number.isFinite(backoff) ? { backoffMs: backoff } : {}),
    ...(inner ? { innerCode: inner } : {}),
  };
}
