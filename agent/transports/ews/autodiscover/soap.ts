// SOAP Autodiscover GetUserSettings ("GetUserSettings operation (SOAP)", "Handling Autodiscover error
// messages"), for endpoints that do not offer POX: ExternalEwsUrl and InternalEwsUrl, or the per-user
// ErrorCode RedirectAddress / RedirectUrl with RedirectTarget.
import { escapeXml } from '../../../text/xml-escape.ts';
import type { Answer } from './answer.ts';
import { childOf, childrenOf, readXml, textOf } from '../xml.ts';

const AD_NS = 'http://schemas.microsoft.com/exchange/2010/Autodiscover';
const SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP_ACTION = 'http://schemas.microsoft.com/exchange/2010/Autodiscover/Autodiscover/GetUserSettings';

/** The SOAP endpoint next to a POX one (…/autodiscover.xml → …/autodiscover.svc). */
export function soapUrlOf(url: URL): URL {
  return new URL(url.href.replace(/autodiscover\.xml$/i, 'autodiscover.svc'));
}

export function soapRequest(email: string, url: URL): Buffer {
  return Buffer.from('<?xml version="1.0" encoding="utf-8"?>'
    + `<soap:Envelope xmlns:soap="${SOAP_NS}" xmlns:a="${AD_NS}" xmlns:wsa="http://www.w3.org/2005/08/addressing">`
    + `<soap:Header><a:RequestedServerVersion>Exchange2010</a:RequestedServerVersion><wsa:Action>${SOAP_ACTION}</wsa:Action>`
    + `<wsa:To>${escapeXml(url.href)}</wsa:To></soap:Header><soap:Body><a:GetUserSettingsRequestMessage><a:Request>`
    + `<a:Users><a:User><a:Mailbox>${escapeXml(email)}</a:Mailbox></a:User></a:Users>`
    + '<a:RequestedSettings><a:Setting>ExternalEwsUrl</a:Setting><a:Setting>InternalEwsUrl</a:Setting></a:RequestedSettings>'
    + '</a:Request></a:GetUserSettingsRequestMessage></soap:Body></soap:Envelope>', 'utf8');
}

export function soapAnswer(body: string): Answer {
  const root = readXml(body);
  const response = childOf(childOf(childOf(root, 'Body', SOAP_NS), 'GetUserSettingsResponseMessage', AD_NS), 'Response', AD_NS);
  if (!response) return { kind: 'unsupported', reason: 'the answer is not a GetUserSettings response' };
  const overall = textOf(childOf(response, 'ErrorCode'));
  if (overall && overall !== 'NoError') return { kind: 'failed', reason: `server error ${overall}: ${textOf(childOf(response, 'ErrorMessage')) ?? ''}`.trim(), permanent: overall !== 'ServerBusy' };
  const user = childOf(childOf(response, 'UserResponses'), 'UserResponse');
  const code = textOf(childOf(user, 'ErrorCode'));
  const target = textOf(childOf(user, 'RedirectTarget'));
  if (code === 'RedirectAddress' && target) return { kind: 'redirectAddr', address: target };
  if (code === 'RedirectUrl' && target) return { kind: 'redirectUrl', url: target, how: 'RedirectUrl (SOAP)' };
  if (code !== 'NoError') {
    return { kind: 'failed', reason: `server error ${code ?? '(none)'}: ${textOf(childOf(user, 'ErrorMessage')) ?? ''}`.trim(), permanent: code !== 'ServerBusy' };
  }
  const settings = new Map(childrenOf(childOf(user, 'UserSettings'), 'UserSetting')
    .map((s) => [textOf(childOf(s, 'Name')) ?? '', textOf(childOf(s, 'Value'))] as const));
  const external = settings.get('ExternalEwsUrl');
  const internal = settings.get('InternalEwsUrl');
  if (!external && !internal) return { kind: 'failed', reason: 'neither ExternalEwsUrl nor InternalEwsUrl in the answer', permanent: false };
  return { kind: 'settings', ...(external ? { external } : {}), ...(internal ? { internal } : {}) };
}
