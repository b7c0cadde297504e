// Autodiscover POX (/autodiscover/autodiscover.xml), the Outlook provider schema: EwsUrl for a mailbox.
import { esc } from '../xml/escape.ts';
import type { XmlNode } from '../xml/parse.ts';
import type { SettingsSource } from './soap.ts';

const RESPONSE_NS = 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006';
const OUTLOOK_NS = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';

export function poxError(code: number, message: string, now: Date): string {
  return `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="${RESPONSE_NS}"><Response>` +
    `<Error Time="${now.toISOString().slice(11, 23)}" Id="2477329385"><ErrorCode>${code}</ErrorCode><Message>${esc(message)}</Message>` +
    `<DebugData /></Error></Response></Autodiscover>`;
}

/** The POX answer for a request document; `undefined` email means the request named none. */
export function poxResponse(src: SettingsSource, doc: XmlNode, now: Date): string {
  const request = doc.children.find((c) => c.local === 'Request');
  const email = request?.children.find((c) => c.local === 'EMailAddress')?.text.trim().toLowerCase();
  if (doc.local !== 'Autodiscover' || !email) return poxError(600, 'Invalid Request', now);
  const account = src.directory.accounts.find((a) => a.email === email);
  if (!account) return poxError(500, 'The e-mail address cannot be found.', now);
  const server = new URL(src.ewsUrl).hostname;
  const protocol = (type: string): string => `<Protocol><Type>${type}</Type><Server>${esc(server)}</Server>` +
    `<EwsUrl>${esc(src.ewsUrl)}</EwsUrl><ASUrl>${esc(src.ewsUrl)}</ASUrl></Protocol>`;
  return `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="${RESPONSE_NS}"><Response xmlns="${OUTLOOK_NS}">` +
    `<User><DisplayName>${esc(account.user)}</DisplayName><AutoDiscoverSMTPAddress>${esc(account.email)}</AutoDiscoverSMTPAddress></User>` +
    `<Account><AccountType>email</AccountType><Action>settings</Action>${protocol('EXCH')}${protocol('EXPR')}</Account>` +
    `</Response></Autodiscover>`;
}
