// Whether the server holds a message with this Message-ID where a just-sent message can be: the Outbox
// (under MessageRateLimit it waits there, and it stays until its copy is in Sent Items), Sent Items, and
// Drafts (where a client that saves before sending puts it first). One FindItem over the three folders,
// written and read by us like CreateItem. How a retry after a lost answer avoids a duplicate.
import { AgentError } from '../../errors.ts';
import { postEws, type CreateItemsTarget } from './create-items.ts';
import { soapHeader } from './create-items-request.ts';
import { serverCodeError } from './server-codes.ts';
import { escapeXml } from '../../text/xml-escape.ts';

const FOLDERS = ['outbox', 'sentitems', 'drafts'] as const;

export function findSentXml(messageId: string, version: string, impersonate?: string): string {
  return '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"'
    + ' xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">'
    + `${soapHeader(version, impersonate)}<soap:Body>`
    + '<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape>'
    + '<m:IndexedPageItemView MaxEntriesReturned="1" Offset="0" BasePoint="Beginning"/>'
    + '<m:Restriction><t:IsEqualTo><t:FieldURI FieldURI="message:InternetMessageId"/>'
    + `<t:FieldURIOrConstant><t:Constant Value="${escapeXml(messageId)}"/></t:FieldURIOrConstant></t:IsEqualTo></m:Restriction>`
    + `<m:ParentFolderIds>${FOLDERS.map((f) => `<t:DistinguishedFolderId Id="${f}"/>`).join('')}</m:ParentFolderIds>`
    + '</m:FindItem></soap:Body></soap:Envelope>';
}

/** True when one of the folders holds it, false when each answered and none does; throws otherwise. */
export async function findSent(target: CreateItemsTarget, messageId: string, signal?: AbortSignal): Promise<boolean> {
  const answers = await postEws(target, findSentXml(messageId, target.version, target.impersonate), target.timeoutMs, signal);
  if (answers.some((a) => (a.totalItemsInView ?? 0) > 0)) return true;
  const refused = answers.find((a) => a.outcome.serverCode !== undefined);
  if (refused?.outcome.serverCode !== undefined) throw serverCodeError({ ...refused.outcome, serverCode: refused.outcome.serverCode, scope: 'request' }, target.endpoint.host);
  if (answers.length !== FOLDERS.length) throw new AgentError('ProtocolError', `${target.endpoint.host} answered a FindItem over ${FOLDERS.length} folders with ${answers.length} messages`);
  return false;
}
