// Autodiscover POX (/autodiscover/autodiscover.xml), the Outlook provider schema ("POX Autodiscover
// response for Exchange", MS-OXDSCLI 2.2.4): the mailbox's settings with an EXCH (internal) and an EXPR
// (external) Protocol, or Action redirectAddr / redirectUrl, or an Error.
import { buildOf, type ExchangeVersion } from '../versions.ts';
import { esc } from '../xml/escape.ts';
import type { XmlNode } from '../xml/parse.ts';
import type { AutodiscoverDecision } from './decide.ts';

const RESPONSE_NS = 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006';
const OUTLOOK_NS = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';

export function poxError(code: number, message: string, now: Date): string {
  return `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="${RESPONSE_NS}"><Response>` +
    `<Error Time="${now.toISOString().slice(11, 23)}" Id="2477329385"><ErrorCode>${code}</ErrorCode><Message>${esc(message)}</Message>` +
    `<DebugData /></Error></Response></Autodiscover>`;
}

/** The EMailAddress a POX request asks about, or undefined when the document is not a POX request. */
export function poxRequestAddress(doc: XmlNode): string | undefined {
  const request = doc.children.find((c) => c.local === 'Request');
  const email = request?.children.find((c) => c.local === 'EMailAddress')?.text.trim();
  return doc.local === 'Autodiscover' && email ? email : undefined;
}

/** ServerVersion as POX writes it: 4 bits 0111, 6 major, 6 minor, 1 bit set, 15 build (hex). */
function serverVersionHex(version: ExchangeVersion): string {
  const b = buildOf(version);
  return (((0x7 << 28) | (b.major << 22) | (b.minor << 16) | (1 << 15) | (b.build & 0x7fff)) >>> 0).toString(16).toUpperCase();
}

export interface PoxContext { version: ExchangeVersion; now: Date; authPackage: string }

function account(inner: string): string {
  return `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="${RESPONSE_NS}"><Response xmlns="${OUTLOOK_NS}">` +
    `${inner}</Response></Autodiscover>`;
}

export function poxAnswer(decision: AutodiscoverDecision, ctx: PoxContext): string {
  switch (decision.kind) {
    case 'unknown':
      return poxError(500, 'The e-mail address cannot be found.', ctx.now);
    case 'redirectAddr':
      return account(`<Account><AccountType>email</AccountType><Action>redirectAddr</Action><RedirectAddr>${esc(decision.address)}</RedirectAddr></Account>`);
    case 'redirectUrl':
      return account(`<Account><AccountType>email</AccountType><Action>redirectUrl</Action><RedirectUrl>${esc(decision.url)}</RedirectUrl></Account>`);
    case 'settings': {
      const { account: mailbox, internal, external } = decision;
      const exch = internal ? `<Protocol><Type>EXCH</Type><Server>${esc(new URL(internal).hostname)}</Server>` +
        `<ServerVersion>${serverVersionHex(ctx.version)}</ServerVersion><ASUrl>${esc(internal)}</ASUrl><EwsUrl>${esc(internal)}</EwsUrl>` +
        `<EmwsUrl>${esc(internal)}</EmwsUrl></Protocol>` : '';
      const expr = external ? `<Protocol><Type>EXPR</Type><Server>${esc(new URL(external).hostname)}</Server><SSL>On</SSL>` +
        `<AuthPackage>${ctx.authPackage}</AuthPackage><ASUrl>${esc(external)}</ASUrl><EwsUrl>${esc(external)}</EwsUrl>` +
        `<EmwsUrl>${esc(external)}</EmwsUrl></Protocol>` : '';
      return account(`<User><DisplayName>${esc(mailbox.user)}</DisplayName><AutoDiscoverSMTPAddress>${esc(mailbox.email)}</AutoDiscoverSMTPAddress>` +
        `<DeploymentId>00000000-0000-0000-0000-000000000000</DeploymentId></User>` +
        `<Account><AccountType>email</AccountType><Action>settings</Action><MicrosoftOnline>False</MicrosoftOnline>${exch}${expr}</Account>`);
    }
  }
}
