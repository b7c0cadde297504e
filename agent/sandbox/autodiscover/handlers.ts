// The Autodiscover endpoints. Both need credentials, as on Exchange; the POX endpoint advertises the SOAP
// one with X-SOAP-Enabled on every answer, 401s included (that header is how clients pick SOAP). What is
// answered depends on the address asked and the host asked at (decide.ts); a redirect configured as
// `http302` is an HTTP 302 to the other server (MS-OXDSCLI 3.2.5).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendAuthResult, type Authenticator } from '../auth/authenticate.ts';
import type { Directory } from '../users.ts';
import type { ExchangeVersion } from '../versions.ts';
import { readBody } from '../http/body.ts';
import { parseXml, XmlSyntaxError } from '../xml/parse.ts';
import { faultXml, Faults } from '../soap/faults.ts';
import { decide, poxOffered, requestHostname } from './decide.ts';
import { getUserSettingsRequest, getUserSettingsResponse, soapUrlOf } from './soap.ts';
import { poxAnswer, poxError, poxRequestAddress } from './pox.ts';

const ENDPOINT_HEADERS = { 'x-soap-enabled': 'True', 'x-wssecurity-enabled': 'True', 'x-oauth-enabled': 'True' };

function reply(res: ServerResponse, status: number, body: string, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(status, { 'content-type': 'text/xml; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers }).end(body);
}

/** What Autodiscover reads of the sandbox (the router's state has it). */
export interface AutodiscoverState {
  auth: Authenticator;
  directory: Directory;
  version: ExchangeVersion;
  now: () => Date;
  /** The EWS URL Autodiscover hands out. */
  ewsUrl: () => string;
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, 'content-type': 'text/html; charset=utf-8', 'content-length': 0 }).end();
}

export async function autodiscoverSoap(state: AutodiscoverState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  const outcome = await state.auth.authenticate(req);
  if (outcome.kind === 'challenge') return reply(res, 401, '', { 'www-authenticate': outcome.wwwAuthenticate });
  sendAuthResult(res, outcome);
  if (req.method !== 'POST') return reply(res, 405, '', { allow: 'POST' });
  try {
    const request = getUserSettingsRequest(parseXml(body.toString('utf8')));
    if (!request) return reply(res, 500, faultXml(Faults.invalidRequest('Expected GetUserSettingsRequestMessage.')));
    const host = requestHostname(req.headers.host);
    const decisions = request.mailboxes.map((address) => decide(state.directory, address, host, state.ewsUrl()));
    const moved = decisions.length === 1 && decisions[0]?.kind === 'redirectUrl' && decisions[0].as === 'http302' ? decisions[0].url : undefined;
    if (moved) return redirect(res, soapUrlOf(moved));
    reply(res, 200, getUserSettingsResponse(request, decisions, state.version));
  } catch (err) {
    if (err instanceof XmlSyntaxError) return reply(res, 500, faultXml(Faults.schemaValidation(err.message, err.line, err.column)));
    throw err;
  }
}

export async function autodiscoverPox(state: AutodiscoverState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  const host = requestHostname(req.headers.host);
  if (!poxOffered(state.directory, host)) return reply(res, 404, '', { 'content-type': 'text/html' });
  const outcome = await state.auth.authenticate(req);
  if (outcome.kind === 'challenge') return reply(res, 401, '', { 'www-authenticate': outcome.wwwAuthenticate, ...ENDPOINT_HEADERS });
  sendAuthResult(res, outcome);
  const now = state.now();
  if (req.method !== 'POST') return reply(res, 200, poxError(600, 'Invalid Request', now), ENDPOINT_HEADERS);
  let address: string | undefined;
  try {
    address = poxRequestAddress(parseXml(body.toString('utf8')));
  } catch (err) {
    if (!(err instanceof XmlSyntaxError)) throw err;
  }
  if (address === undefined) return reply(res, 200, poxError(600, 'Invalid Request', now), ENDPOINT_HEADERS);
  const decision = decide(state.directory, address, host, state.ewsUrl());
  if (decision.kind === 'redirectUrl' && decision.as === 'http302') return redirect(res, decision.url);
  reply(res, 200, poxAnswer(decision, { version: state.version, now, authPackage: state.auth.authPackage() }), ENDPOINT_HEADERS);
}

/** The plain-HTTP listener's one job: the 302 at http://autodiscover.<domain>/autodiscover/autodiscover.xml. */
export function autodiscoverHttpRedirect(state: Pick<AutodiscoverState, 'directory'>, req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0]?.toLowerCase();
  const host = requestHostname(req.headers.host);
  const domain = host.startsWith('autodiscover.') ? host.slice('autodiscover.'.length) : undefined;
  const target = domain === undefined ? undefined : state.directory.domains?.get(domain)?.httpRedirect;
  req.resume();
  if (path === '/autodiscover/autodiscover.xml' && (req.method === 'GET' || req.method === 'HEAD') && target) return redirect(res, target);
  res.writeHead(404, { 'content-type': 'text/plain', 'content-length': 10 }).end('not found\n');
}
