// Autodiscover SOAP (POST /autodiscover/autodiscover.svc): GetUserSettings for the sandbox's mailboxes
// ("GetUserSettings operation (SOAP)"): InternalEwsUrl / ExternalEwsUrl and friends, or the per-user
// ErrorCode RedirectAddress / RedirectUrl with RedirectTarget, or InvalidUser.
import { buildOf, type ExchangeVersion } from '../versions.ts';
import { esc } from '../xml/escape.ts';
import { NS } from '../xml/namespaces.ts';
import { child, childrenNamed, type XmlNode } from '../xml/parse.ts';
import type { AutodiscoverDecision } from './decide.ts';

const ACTION = 'http://schemas.microsoft.com/exchange/2010/Autodiscover/Autodiscover/GetUserSettingsResponse';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

export interface SoapRequest { mailboxes: string[]; requested: string[] }

/** The mailboxes and settings a GetUserSettings envelope asks for, or undefined when it is not one. */
export function getUserSettingsRequest(doc: XmlNode): SoapRequest | undefined {
  const request = child(child(child(doc, NS.soap, 'Body'), NS.ad, 'GetUserSettingsRequestMessage'), NS.ad, 'Request');
  if (!request) return undefined;
  return {
    mailboxes: childrenNamed(child(request, NS.ad, 'Users'), NS.ad, 'User').map((u) => child(u, NS.ad, 'Mailbox')?.text.trim() ?? ''),
    requested: childrenNamed(child(request, NS.ad, 'RequestedSettings'), NS.ad, 'Setting').map((s) => s.text.trim()),
  };
}

/** The .svc twin of a POX URL (a SOAP client is redirected to the SOAP endpoint). */
export function soapUrlOf(url: string): string {
  return url.replace(/autodiscover\.xml$/i, 'autodiscover.svc');
}

function settingsFor(decision: Extract<AutodiscoverDecision, { kind: 'settings' }>, version: ExchangeVersion): Record<string, string> {
  const b = buildOf(version);
  return {
    ...(decision.internal ? { InternalEwsUrl: decision.internal } : {}),
    ...(decision.external ? { ExternalEwsUrl: decision.external } : {}),
    UserDisplayName: decision.account.user,
    AutoDiscoverSMTPAddress: decision.account.email,
    UserDeploymentId: '00000000-0000-0000-0000-000000000000',
    CasVersion: `${b.major}.${String(b.minor).padStart(2, '0')}.${String(b.build).padStart(4, '0')}.${String(b.revision).padStart(3, '0')}`,
    EwsSupportedSchemas: 'Exchange2007, Exchange2007_SP1, Exchange2010, Exchange2010_SP1, Exchange2010_SP2, Exchange2013, Exchange2013_SP1, Exchange2016',
  };
}

function userResponse(address: string, decision: AutodiscoverDecision, requested: string[], version: ExchangeVersion): string {
  const redirect = (code: string, message: string, target: string): string => `<UserResponse><ErrorCode>${code}</ErrorCode>` +
    `<ErrorMessage>${message}</ErrorMessage><RedirectTarget>${esc(target)}</RedirectTarget><UserSettingErrors/><UserSettings/></UserResponse>`;
  if (decision.kind === 'unknown') {
    return `<UserResponse><ErrorCode>InvalidUser</ErrorCode><ErrorMessage>Invalid user: '${esc(address)}'</ErrorMessage>` +
      '<RedirectTarget i:nil="true"/><UserSettingErrors/><UserSettings/></UserResponse>';
  }
  if (decision.kind === 'redirectAddr') return redirect('RedirectAddress', 'Redirection address.', decision.address);
  if (decision.kind === 'redirectUrl') return redirect('RedirectUrl', 'Redirection URL.', soapUrlOf(decision.url));
  const known = settingsFor(decision, version);
  const settings = requested.filter((n) => n in known)
    .map((n) => `<UserSetting i:type="StringSetting"><Name>${esc(n)}</Name><Value>${esc(known[n] ?? '')}</Value></UserSetting>`).join('');
  const errors = requested.filter((n) => !(n in known)).map((n) => {
    const [code, message] = n === 'InternalEwsUrl' || n === 'ExternalEwsUrl'
      ? ['SettingIsNotAvailable', 'User setting is not available.'] : ['InvalidSetting', 'The requested setting is invalid.'];
    return `<UserSettingError><ErrorCode>${code}</ErrorCode><ErrorMessage>${message}</ErrorMessage><SettingName>${esc(n)}</SettingName></UserSettingError>`;
  }).join('');
  return `<UserResponse><ErrorCode>NoError</ErrorCode><ErrorMessage>No error.</ErrorMessage><RedirectTarget i:nil="true"/>` +
    `<UserSettingErrors>${errors}</UserSettingErrors><UserSettings>${settings}</UserSettings></UserResponse>`;
}

function envelope(version: ExchangeVersion, body: string): string {
  const b = buildOf(version);
  return `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="${NS.soap}" xmlns:a="${NS.wsa}"><s:Header>` +
    `<a:Action s:mustUnderstand="1">${ACTION}</a:Action><h:ServerVersionInfo xmlns:h="${NS.ad}" xmlns:i="${XSI}">` +
    `<h:MajorVersion>${b.major}</h:MajorVersion><h:MinorVersion>${b.minor}</h:MinorVersion><h:MajorBuildNumber>${b.build}</h:MajorBuildNumber>` +
    `<h:MinorBuildNumber>${b.revision}</h:MinorBuildNumber><h:Version>Exchange2013_SP1</h:Version></h:ServerVersionInfo></s:Header>` +
    `<s:Body>${body}</s:Body></s:Envelope>`;
}

/** The GetUserSettingsResponseMessage: one UserResponse per mailbox asked, from `decisions` (same order). */
export function getUserSettingsResponse(request: SoapRequest, decisions: AutodiscoverDecision[], version: ExchangeVersion): string {
  const responses = request.mailboxes.map((address, i) => userResponse(address, decisions[i] ?? { kind: 'unknown' }, request.requested, version)).join('');
  return envelope(version, `<GetUserSettingsResponseMessage xmlns="${NS.ad}"><Response xmlns:i="${XSI}">` +
    `<ErrorCode>NoError</ErrorCode><ErrorMessage/><UserResponses>${responses}</UserResponses></Response></GetUserSettingsResponseMessage>`);
}
