// POX Autodiscover ("POX Autodiscover request/response for Exchange", MS-OXDSCLI 2.2.3/2.2.4): the request
// body, and what an answer means — Action settings with EXPR/EXCH Protocols, redirectAddr, redirectUrl,
// or an Error.
import { escapeXml } from '../../../text/xml-escape.ts';
import type { Answer } from './answer.ts';
import { childOf, childrenOf, readXml, textOf } from '../xml.ts';

const REQUEST_NS = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006';
const RESPONSE_NS = 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006';
const OUTLOOK_NS = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';

export function poxRequest(email: string): Buffer {
  return Buffer.from(`<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="${REQUEST_NS}"><Request>`
    + `<EMailAddress>${escapeXml(email)}</EMailAddress><AcceptableResponseSchema>${OUTLOOK_NS}</AcceptableResponseSchema>`
    + '</Request></Autodiscover>', 'utf8');
}

/** A 200 answer's body: settings, a redirect, the server's error, or "not POX". */
export function poxAnswer(body: string): Answer {
  const root = readXml(body);
  if (!root || root.name !== 'Autodiscover' || root.ns !== RESPONSE_NS) return { kind: 'unsupported', reason: 'the answer is not a POX Autodiscover document' };
  const response = childOf(root, 'Response');
  const error = childOf(response, 'Error');
  if (error) {
    const code = textOf(childOf(error, 'ErrorCode')) ?? '?';
    return { kind: 'failed', reason: `server error ${code}: ${textOf(childOf(error, 'Message')) ?? 'no message'}`, permanent: true };
  }
  const account = childOf(response, 'Account', OUTLOOK_NS);
  const action = textOf(childOf(account, 'Action'));
  if (action === 'redirectAddr') {
    const address = textOf(childOf(account, 'RedirectAddr'));
    return address ? { kind: 'redirectAddr', address } : { kind: 'failed', reason: 'redirectAddr without RedirectAddr', permanent: false };
  }
  if (action === 'redirectUrl') {
    const url = textOf(childOf(account, 'RedirectUrl'));
    return url ? { kind: 'redirectUrl', url, how: 'RedirectUrl' } : { kind: 'failed', reason: 'redirectUrl without RedirectUrl', permanent: false };
  }
  if (action !== 'settings') return { kind: 'failed', reason: `Action ${action ?? '(none)'} is not one POX defines`, permanent: false };
  const ewsUrlOf = (type: string): string | undefined =>
    textOf(childOf(childrenOf(account, 'Protocol').find((p) => textOf(childOf(p, 'Type')) === type), 'EwsUrl'));
  const external = ewsUrlOf('EXPR');
  const internal = ewsUrlOf('EXCH');
  if (!external && !internal) return { kind: 'failed', reason: 'no EwsUrl in the EXPR or EXCH Protocol', permanent: false };
  return { kind: 'settings', ...(external ? { external } : {}), ...(internal ? { internal } : {}) };
}
