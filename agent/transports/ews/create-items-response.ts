// Reads a CreateItem answer (HTTP 200) with a streaming parser: each item's ResponseClass, ResponseCode and
// BackOffMilliseconds, in order, without building a DOM. Exchange answers every item on its own. Elements
// are matched by local name (namespace processing doubled saxes' cost; the names are EWS's own).
import { SaxesParser } from 'saxes';
import { AgentError, ErrorCodes } from '../../errors.ts';

function localName(name: string): string {
  return name.slice(name.indexOf(':') + 1);
}

/** What became of one message of a request: its server code when the server refused it. */
export interface ItemOutcome { serverCode?: string; backoffMs?: number }

interface Reading { refused: boolean; code: string; backoff: string; backoffValue: boolean; inCode: boolean }

export function readCreateItemsResponse(xml: string, host: string): ItemOutcome[] {
  const parser = new SaxesParser();
  const outcomes: ItemOutcome[] = [];
  let depth = 0;
  let messagesDepth = -1;
  let item: Reading | undefined;
  let failure: Error | undefined;
  parser.on('error', (err) => { failure ??= err; });
  parser.on('opentag', (tag) => {
    depth += 1;
    const local = localName(tag.name);
    if (local === 'ResponseMessages') messagesDepth = depth;
    else if (messagesDepth >= 0 && depth === messagesDepth + 1) {
      item = { refused: tag.attributes.ResponseClass === 'Error', code: '', backoff: '', backoffValue: false, inCode: false };
    } else if (item && local === 'ResponseCode') item.inCode = true;
    else if (item && local === 'Value' && tag.attributes.Name === 'BackOffMilliseconds') item.backoffValue = true;
  });
  parser.on('text', (text) => {
    if (item?.inCode) item.code += text;
    else if (item?.backoffValue) item.backoff += text;
  });
  parser.on('closetag', () => {
    if (item && messagesDepth >= 0 && depth === messagesDepth + 1) {
      outcomes.push(outcomeOf(item));
      item = undefined;
    } else if (item) {
      item.inCode = false;
      item.backoffValue = false;
    }
    if (depth === messagesDepth) messagesDepth = -1;
    depth -= 1;
  });
  try {
    parser.write(xml).close();
  } catch (err) {
    failure ??= err as Error;
  }
  // As library-errors.ts words it for a response ews-javascript-api cannot read.
  if (failure) throw new AgentError(ErrorCodes.ProtocolError, `${host} sent a response the EWS client could not read`, { cause: failure });
  return outcomes;
}

function outcomeOf(item: Reading): ItemOutcome {
  if (!item.refused) return {};
  const backoff = Number(item.backoff.trim());
  return { serverCode: item.code.trim() || 'ErrorUnknown', ...(item.backoff.trim() !== '' && Number.isFinite(backoff) ? { backoffMs: backoff } : {}) };
}
