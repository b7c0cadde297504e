// A composed message sent as MimeContent: the MIME bytes (which carry the charset) go base64-encoded, so no
// header or body text is ever written into the SOAP XML. Bcc recipients travel as BccRecipients, because
// a composed MIME message carries no Bcc header.
import { EmailMessage, FolderId, MessageDisposition, MimeContent, ServiceError, ServiceResult, WellKnownFolderName, type ExchangeService, type SendInvitationsMode } from 'ews-javascript-api';
import type { OutgoingMessage } from '../transport.ts';
import { xmlText } from './service.ts';

export async function sendMime(service: ExchangeService, message: OutgoingMessage, saveCopy: boolean): Promise<void> {
  const item = new EmailMessage(service);
  item.MimeContent = new MimeContent('UTF-8', message.mime.toString('base64'));
  for (const address of message.bcc) item.BccRecipients.Add(xmlText(address));
  if (saveCopy) await item.SendAndSaveCopy(WellKnownFolderName.SentItems);
  else await item.Send();
}

/** What became of one message of a batch: its server code when the server refused it. */
export interface BatchItemOutcome { serverCode?: string; backoffMs?: number }

/**
 * Several composed messages in one CreateItem (Exchange answers each item on its own): one request and one
 * server round trip for the lot. A per-item refusal (ErrorSendAsDenied…) is that item's outcome only.
 */
export async function sendMimeBatch(service: ExchangeService, messages: readonly OutgoingMessage[], saveCopy: boolean): Promise<BatchItemOutcome[]> {
  const items = messages.map((message) => {
    const item = new EmailMessage(service);
    item.MimeContent = new MimeContent('UTF-8', message.mime.toString('base64'));
    for (const address of message.bcc) item.BccRecipients.Add(xmlText(address));
    return item;
  });
  const responses = await service.CreateItems(items, saveCopy ? new FolderId(WellKnownFolderName.SentItems) : null as unknown as FolderId,
    saveCopy ? MessageDisposition.SendAndSaveCopy : MessageDisposition.SendOnly, null as unknown as SendInvitationsMode);
  return messages.map((_m, i) => {
    const response = responses.Responses[i];
    if (!response) return { serverCode: 'ErrorMissingResponse' };
    if (response.Result !== ServiceResult.Error) return {};
    const backoff = Number(response.ErrorDetails?.get?.('BackOffMilliseconds'));
    return { serverCode: ServiceError[response.ErrorCode], ...(Number.isFinite(backoff) ? { backoffMs: backoff } : {}) };
  });
}
