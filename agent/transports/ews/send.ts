// A composed message sent as MimeContent: the MIME bytes (which carry the charset) go base64-encoded, so no
// header or body text is ever written into the SOAP XML. Bcc recipients travel as BccRecipients, because
// a composed MIME message carries no Bcc header.
import { EmailMessage, MimeContent, WellKnownFolderName, type ExchangeService } from 'ews-javascript-api';
import type { OutgoingMessage } from '../transport.ts';
import { xmlText } from './service.ts';

export async function sendMime(service: ExchangeService, message: OutgoingMessage, saveCopy: boolean): Promise<void> {
  const item = new EmailMessage(service);
  item.MimeContent = new MimeContent('UTF-8', message.mime.toString('base64'));
  for (const address of message.bcc) item.BccRecipients.Add(xmlText(address));
  if (saveCopy) await item.SendAndSaveCopy(WellKnownFolderName.SentItems);
  else await item.Send();
}
