// The CreateItem request for composed messages, written directly: one t:Message per message with its MIME
// base64-encoded as MimeContent (so no header or body text is ever written into the XML) and its Bcc
// recipients as BccRecipients (a composed MIME message carries no Bcc header). The same XML
// ews-javascript-api writes for EmailMessage.Send / SendAndSaveCopy, without building its object model
// per message: at thousands of messages a second that model was most of the agent's CPU.
import type { ExchangeVersion } from '../../config/settings.ts';
import type { OutgoingMessage } from '../transport.ts';
import { escapeXml } from '../../text/xml-escape.ts';

const head = '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
  + ' xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">';

/** The SOAP header of our own requests; `impersonate`: the mailbox an app-only token acts for
 *  (t:ExchangeImpersonation, which Exchange Online requires of app-only EWS). */
export function soapHeader(version: string, impersonate?: string): string {
  const impersonation = impersonate === undefined ? ''
    : `<t:ExchangeImpersonation><t:ConnectingSID><t:SmtpAddress>${escapeXml(impersonate)}</t:SmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>`;
  return `<soap:Header><t:RequestServerVersion Version="${version}"/>${impersonation}</soap:Header>`;
}

export function createItemsXml(messages: readonly OutgoingMessage[], version: ExchangeVersion, saveCopy: boolean, impersonate?: string): string {
  const parts: string[] = [
    head, `${soapHeader(version, impersonate)}<soap:Body>`,
    saveCopy
      ? '<m:CreateItem MessageDisposition="SendAndSaveCopy"><m:SavedItemFolderId><t:DistinguishedFolderId Id="sentitems"/></m:SavedItemFolderId>'
      : '<m:CreateItem MessageDisposition="SendOnly">',
    '<m:Items>',
  ];
  for (const message of messages) {
    // CharacterSet is informative only: Exchange reads the charset from the MIME itself.
    parts.push('<t:Message><t:MimeContent CharacterSet="UTF-8">', message.mime.toString('base64'), '</t:MimeContent>');
    if (message.bcc.length > 0) {
      parts.push('<t:BccRecipients>');
      for (const address of message.bcc) parts.push('<t:Mailbox><t:EmailAddress>', escapeXml(address), '</t:EmailAddress></t:Mailbox>');
      parts.push('</t:BccRecipients>');
    }
    parts.push('</t:Message>');
  }
  parts.push('</m:Items></m:CreateItem></soap:Body></soap:Envelope>');
  return parts.join('');
}
