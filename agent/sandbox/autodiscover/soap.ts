// Autodiscover SOAP (POST /autodiscover/autodiscover.svc): GetUserSettings for the sandbox's mailboxes.
import { buildOf, type ExchangeVersion } from '../versions.ts';
import { esc } from '../xml/escape.ts';
import { NS } from '../xml/namespaces.ts';
import { child, childrenNamed, type XmlNode } from '../xml/parse.ts';
import type { Directory } from '../users.ts';

const ACTION = 'http://schemas.microsoft.com/exchange/2010/Autodiscover/Autodiscover/GetUserSettingsResponse';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

export interface SettingsSource { directory: Directory; version: ExchangeVersion; ewsUrl: string }

function settingsFor(src: SettingsSource, email: string): Record<string, string> {
  const b = buildOf(src.version);
  const account = src.directory.accounts.find((a) => a.email === email);
  return {
    InternalEwsUrl: src.ewsUrl,
    ExternalEwsUrl: src.ewsUrl,
    UserDisplayName: account?.user ?? email,
    UserDeploymentId: '00000000-0000-0000-0000-000000000000',
    CasVersion: `${b.major}.${b.minor}.${b.build}.${b.revision}`,
    EwsSupportedSchemas: 'Exchange2007, Exchange2007_SP1, Exchange2010, Exchange2010_SP1, Exchange2010_SP2, Exchange2013, Exchange2013_SP1, Exchange2016',
  };
}

function userResponse(src: SettingsSource, email: string, requested: string[]): string {
  if (!src.directory.accounts.some((a) => a.email === email.toLowerCase())) {
    return '<UserResponse><ErrorCode>InvalidUser</ErrorCode><ErrorMessage>Invalid user: \'' + esc(email) + '\'</ErrorMessage>' +
      '<RedirectTarget i:nil="true"/><UserSettingErrors/><UserSettings/></UserResponse>';
  }
  const known = settingsFor(src, email.toLowerCase());
  const settings = requested.filter((n) => n in known)
    .map((n) => `<UserSetting i:type="StringSetting"><Name>${esc(n)}</Name><Value>${esc(known[n] ?? '')}</Value></UserSetting>`).join('');
  const errors = requested.filter((n) => !(n in known))
    .map((n) => `<UserSettingError><ErrorCode>InvalidSetting</ErrorCode><ErrorMessage>The requested setting is invalid.</ErrorMessage><SettingName>${esc(n)}</SettingName></UserSettingError>`).join('');
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

/** The GetUserSettingsResponseMessage for a parsed request envelope, or undefined when it is not one. */
export function getUserSettings(src: SettingsSource, doc: XmlNode): string | undefined {
  const request = child(child(child(doc, NS.soap, 'Body'), NS.ad, 'GetUserSettingsRequestMessage'), NS.ad, 'Request');
  if (!request) return undefined;
  const users = childrenNamed(child(request, NS.ad, 'Users'), NS.ad, 'User').map((u) => child(u, NS.ad, 'Mailbox')?.text.trim() ?? '');
  const requested = childrenNamed(child(request, NS.ad, 'RequestedSettings'), NS.ad, 'Setting').map((s) => s.text.trim());
  const responses = users.map((email) => userResponse(src, email, requested)).join('');
  return envelope(src.version, `<GetUserSettingsResponseMessage xmlns="${NS.ad}"><Response xmlns:i="${XSI}">` +
    `<ErrorCode>NoError</ErrorCode><ErrorMessage/><UserResponses>${responses}</UserResponses></Response></GetUserSettingsResponseMessage>`);
}
