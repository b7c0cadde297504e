// Finds the EWS URL for a mailbox by POX Autodiscover (what Outlook does first): POST the request to
// autodiscover.<domain> then <domain>, authenticated like EWS itself. On failure the error lists every URL
// tried and why each failed; ews-javascript-api's own AutodiscoverUrl says only "Not implemented.".
import { AgentError, ErrorCodes } from '../../errors.ts';
import type { HttpClient } from '../../http/client.ts';
import { deadline } from '../../http/deadline.ts';
import { xmlText } from './service.ts';

const requestSchema = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006';
const responseSchema = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';

export function autodiscoverCandidates(email: string): URL[] {
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  return [`https://autodiscover.${domain}`, `https://${domain}`].map((origin) => new URL('/autodiscover/autodiscover.xml', origin));
}

export async function autodiscover(client: HttpClient, email: string, timeoutMs: number, signal?: AbortSignal): Promise<string> {
  const body = Buffer.from(`<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="${requestSchema}"><Request>`
    + `<EMailAddress>${xmlText(email)}</EMailAddress><AcceptableResponseSchema>${responseSchema}</AcceptableResponseSchema>`
    + '</Request></Autodiscover>', 'utf8');
  const tried: string[] = [];
  let permanent = false;
  for (const url of autodiscoverCandidates(email)) {
    const bound = deadline(timeoutMs, signal);
    try {
      const response = await client.request({ method: 'POST', url, headers: { 'Content-Type': 'text/xml; charset=utf-8' }, body, signal: bound.signal });
      const found = ewsUrlOf(response.status, response.body.toString('utf8'));
      if (found.url) return found.url;
      if (found.permanent) permanent = true;
      tried.push(`${url.href}: ${found.reason}`);
    } catch (error) {
      if (signal?.aborted) throw error;
      if (error instanceof AgentError && !error.transient) permanent = true;
      tried.push(`${url.href}: ${error instanceof AgentError ? `${error.code}: ${error.message}` : 'failed'}`);
    } finally {
      bound.dispose();
    }
  }
  throw new AgentError(ErrorCodes.AutodiscoverFailed, `autodiscover found no EWS URL; tried ${tried.join('; ')}`, { transient: !permanent });
}

interface Answer {
  url?: string;
  reason: string;
  /** The server answered and said no: retrying the same settings will not help. */
  permanent: boolean;
}

function ewsUrlOf(status: number, text: string): Answer {
  if (status === 401) return { reason: 'HTTP 401 (credentials refused)', permanent: true };
  if (status !== 200) return { reason: `HTTP ${status}`, permanent: false };
  const error = /<Error\b[\s\S]*?<Message>([^<]{0,200})<\/Message>/.exec(text);
  if (error) return { reason: `server error: ${error[1]}`, permanent: true };
  const url = /<EwsUrl>\s*(https?:\/\/[^<\s]+)\s*<\/EwsUrl>/.exec(text)?.[1];
  if (url) return { url: url.replace(/&amp;/g, '&'), reason: '', permanent: false };
  if (/<RedirectAddr>|<RedirectUrl>/.test(text)) return { reason: 'redirect (not followed)', permanent: true };
  return { reason: 'no EwsUrl in the response', permanent: false };
}
