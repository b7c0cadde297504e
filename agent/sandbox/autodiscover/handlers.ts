// The Autodiscover endpoints. Both need credentials, as on Exchange; the POX endpoint advertises the SOAP
// one with X-SOAP-Enabled on every answer, 401s included (that header is how clients pick SOAP).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RouterState } from '../http/router.ts';
import { readBody } from '../http/body.ts';
import { parseXml, XmlSyntaxError } from '../xml/parse.ts';
import { faultXml, Faults } from '../soap/faults.ts';
import { getUserSettings } from './soap.ts';
import { poxError, poxResponse } from './pox.ts';

const ENDPOINT_HEADERS = { 'x-soap-enabled': 'True', 'x-wssecurity-enabled': 'True', 'x-oauth-enabled': 'True' };

function reply(res: ServerResponse, status: number, body: string, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(status, { 'content-type': 'text/xml; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers }).end(body);
}

export async function autodiscoverSoap(state: RouterState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  const outcome = await state.auth.authenticate(req);
  if (outcome.kind === 'challenge') return reply(res, 401, '', { 'www-authenticate': outcome.wwwAuthenticate });
  if (req.method !== 'POST') return reply(res, 405, '', { allow: 'POST' });
  try {
    const answer = getUserSettings({ directory: state.directory, version: state.version, ewsUrl: state.ewsUrl() }, parseXml(body.toString('utf8')));
    if (answer) return reply(res, 200, answer);
    return reply(res, 500, faultXml(Faults.invalidRequest('Expected GetUserSettingsRequestMessage.')));
  } catch (err) {
    if (err instanceof XmlSyntaxError) return reply(res, 500, faultXml(Faults.schemaValidation(err.message, err.line, err.column)));
    throw err;
  }
}

export async function autodiscoverPox(state: RouterState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  const outcome = await state.auth.authenticate(req);
  if (outcome.kind === 'challenge') return reply(res, 401, '', { 'www-authenticate': outcome.wwwAuthenticate, ...ENDPOINT_HEADERS });
  const now = state.now();
  if (req.method !== 'POST') return reply(res, 200, poxError(600, 'Invalid Request', now), ENDPOINT_HEADERS);
  let answer: string;
  try {
    answer = poxResponse({ directory: state.directory, version: state.version, ewsUrl: state.ewsUrl() }, parseXml(body.toString('utf8')), now);
  } catch (err) {
    if (!(err instanceof XmlSyntaxError)) throw err;
    answer = poxError(600, 'Invalid Request', now);
  }
  reply(res, 200, answer, ENDPOINT_HEADERS);
}
