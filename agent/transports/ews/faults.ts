// What an EWS HTTP response means when it is not a plain success. Judged here from the raw response, before
// the library sees it: ews-javascript-api hangs on a non-XML 500 and rejects with non-Error objects.
import { AgentError, ErrorCodes } from '../../errors.ts';
import type { HttpResponse } from '../../http/exchange.ts';
import { retryAfterMs } from '../../http/retry-after.ts';
import { serverCodeError } from './server-codes.ts';

/** An AgentError for a response the library must not see; undefined when it is a SOAP 200. */
export function classifyResponse(response: HttpResponse, host: string): AgentError | undefined {
  const { status } = response;
  const text = response.body.toString('utf8');
  if (status === 200) {
    return looksLikeSoap(text) ? undefined
      : new AgentError(ErrorCodes.ProtocolError, `${host} answered 200 without a SOAP envelope`, { transient: true });
  }
  if (status === 401 || status === 403) {
    return new AgentError(ErrorCodes.AuthFailed, `${host} refused the credentials (HTTP ${status})`);
  }
  // Microsoft: a 503 means EWS requests are queuing in IIS, "delay sending additional requests": throttling.
  if (status === 503 || status === 429) {
    const backoffMs = retryAfterMs(response.headers['retry-after']);
    return new AgentError(ErrorCodes.ServerBusy, `${host} is busy (HTTP ${status})`, { transient: true, backoffMs });
  }
  if (status === 500 && looksLikeSoap(text)) return soapFault(text, host);
  if (status >= 500) return new AgentError(ErrorCodes.ServerError, `${host} failed (HTTP ${status}, not a SOAP fault)`, { transient: true });
  return new AgentError(ErrorCodes.ServerError, `${host} answered HTTP ${status}: is this the EWS URL?`);
}

function soapFault(text: string, host: string): AgentError {
  const code = firstMatch(text, /<(?:\w+:)?ResponseCode(?:\s[^>]*)?>\s*([A-Za-z0-9_]+)\s*</);
  const backoff = firstMatch(text, /Name="BackOffMilliseconds"[^>]*>\s*(\d+)\s*</);
  const innerCode = firstMatch(text, /Name="InnerErrorResponseCode"[^>]*>\s*([A-Za-z0-9_]+)\s*</);
  if (code === undefined) {
    const reason = firstMatch(text, /<faultcode[^>]*>\s*([^<]{1,80})</) ?? 'unknown';
    return new AgentError(ErrorCodes.ServerError, `${host} returned a SOAP fault (${reason})`, { transient: true });
  }
  return serverCodeError({ serverCode: code, scope: 'request', ...(backoff === undefined ? {} : { backoffMs: Number(backoff) }), ...(innerCode ? { innerCode } : {}) }, host);
}

function looksLikeSoap(text: string): boolean {
  return /^\s*(<\?xml[^>]*\?>\s*)?<(\w+:)?Envelope[\s>]/.test(text) && /<\/(\w+:)?Envelope>\s*$/.test(text);
}

function firstMatch(text: string, pattern: RegExp): string | undefined {
  return pattern.exec(text)?.[1];
}
