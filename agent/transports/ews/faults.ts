// What an EWS HTTP response means when it is not a plain success. Judged here from the raw response, before
// the library sees it: ews-javascript-api hangs on a non-XML 500 and rejects with non-Error objects. The
// body is read with saxes (xml.ts), never with patterns.
import { AgentError, ErrorCodes } from '../../errors.ts';
import type { HttpResponse } from '../../http/exchange.ts';
import { retryAfterMs } from '../../http/retry-after.ts';
import { serverCodeError } from './server-codes.ts';
import { descendantsOf, readXmlTree, textOf, type Element } from './xml.ts';

/** An AgentError for a response the library must not see; undefined when it is a SOAP 200. */
export function classifyResponse(response: HttpResponse, host: string): AgentError | undefined {
  if (response.status !== 200) return failureOf(response, host);
  return soapEnvelope(response.body.toString('utf8')) ? undefined : notSoap(host);
}

/** A 200 whose body is not a whole SOAP envelope (cut short, HTML from a proxy, …): worth another try. */
export function notSoap(host: string): AgentError {
  return new AgentError(ErrorCodes.ProtocolError, `${host} answered 200 without a SOAP envelope`, { transient: true });
}

/** The AgentError of a response that is not a 200; undefined for a 200 (its body is the caller's to read). */
export function failureOf(response: HttpResponse, host: string): AgentError | undefined {
  const { status } = response;
  if (status === 200) return undefined;
  if (status === 401 || status === 403) {
    return new AgentError(ErrorCodes.AuthFailed, `${host} refused the credentials (HTTP ${status})`);
  }
  // Microsoft: a 503 means EWS requests are queuing in IIS, "delay sending additional requests": throttling.
  if (status === 503 || status === 429) {
    const backoffMs = retryAfterMs(response.headers['retry-after']);
    return new AgentError(ErrorCodes.ServerBusy, `${host} is busy (HTTP ${status})`, { transient: true, backoffMs });
  }
  const envelope = status === 500 ? soapEnvelope(response.body.toString('utf8')) : undefined;
  if (envelope) return soapFault(envelope, host);
  if (status >= 500) return new AgentError(ErrorCodes.ServerError, `${host} failed (HTTP ${status}, not a SOAP fault)`, { transient: true });
  return new AgentError(ErrorCodes.ServerError, `${host} answered HTTP ${status}: is this the EWS URL?`);
}

/** The Envelope element of a SOAP document read to its end; undefined when the body is something else. */
function soapEnvelope(text: string): Element | undefined {
  const read = readXmlTree(text, { namespaces: false });
  return read.complete && read.root?.name === 'Envelope' ? read.root : undefined;
}

const word = (text: string | undefined): string | undefined => (text !== undefined && /^\w+$/.test(text) ? text : undefined);

/** Exchange's fault: `<detail>` carries the ResponseCode and MessageXml values (BackOffMilliseconds, …). */
function soapFault(envelope: Element, host: string): AgentError {
  const code = word(textOf(descendantsOf(envelope, 'ResponseCode')[0]));
  const value = (name: string): string | undefined => textOf(descendantsOf(envelope, 'Value').find((v) => v.attributes.get('Name') === name));
  if (code === undefined) {
    const faultCode = textOf(descendantsOf(envelope, 'faultcode')[0]);
    const reason = faultCode !== undefined && faultCode.length <= 80 ? faultCode : 'unknown';
    return new AgentError(ErrorCodes.ServerError, `${host} returned a SOAP fault (${reason})`, { transient: true });
  }
  const backoff = value('BackOffMilliseconds');
  const innerCode = word(value('InnerErrorResponseCode'));
  return serverCodeError({ serverCode: code, scope: 'request', ...(backoff !== undefined && /^\d+$/.test(backoff) ? { backoffMs: Number(backoff) } : {}), ...(innerCode ? { innerCode } : {}) }, host);
}
