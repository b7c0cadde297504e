// The sandbox's HTTP surface: EWS, Autodiscover, and the loopback-only fault control endpoint.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { sendAuthResult, type Authenticator } from './auth/authenticate.ts';
import { handleEws, internalErrorAnswer } from './ews/dispatch.ts';
import type { MailboxLimits } from './limits/limiter.ts';
import { faultXml } from './soap/faults.ts';
import { limitsControl } from './http/limits-control.ts';
import { checkFaultRule, type FaultInjector, type FaultKind } from './faults.ts';
import type { MailboxStore } from './mailbox/store.ts';
import type { Directory } from './users.ts';
import type { ExchangeVersion } from './versions.ts';
import { BodyTooLarge, readBody } from './http/body.ts';
import { sendInjected } from './http/injected.ts';
import { isLoopback } from './http/loopback.ts';
import { autodiscoverPox, autodiscoverSoap } from './autodiscover/handlers.ts';
import { handleIdentity, IDENTITY_PATH, type IdentityState } from './identity/handlers.ts';
import type { GraphState } from './graph/context.ts';
import { handleGraph } from './graph/route.ts';

export interface RouterState {
  auth: Authenticator;
  directory: Directory;
  store: MailboxStore;
  faults: FaultInjector;
  /** Per-mailbox limits: throttling, Outbox, Sent Items lag, connections, message size, mailbox version. */
  limits: MailboxLimits;
  version: ExchangeVersion;
  hostname: string;
  now: () => Date;
  /** The EWS URL Autodiscover hands out. */
  ewsUrl: () => string;
  tap?: EwsTap;
  /** The identity platform (app registrations, token endpoint, signing key). */
  identity: IdentityState;
  /** Graph v1.0 (mail) and its upload sessions. */
  graph: GraphState;
}

/** Sees every EWS exchange the sandbox answered itself (tests validate the responses against the schema). */
export type EwsTap = (exchange: { operation: string | undefined; status: number; request: string; response: string; injected?: FaultKind; headers?: IncomingHttpHeaders }) => void;

const XML = 'text/xml; charset=utf-8';

function send(res: ServerResponse, status: number, body: string, type = XML, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...headers }).end(body);
}

/** A JSON body, declared as such: a browser page can send a cross-origin text/plain POST without asking
 *  (a "simple" request), but application/json needs a CORS preflight, which this endpoint never grants. */
function isJson(req: IncomingMessage): boolean {
  return /^application\/json\s*(?:;|$)/i.test(req.headers['content-type'] ?? '');
}

async function faultControl(state: RouterState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!isLoopback(req.socket.remoteAddress)) return send(res, 403, 'forbidden\n', 'text/plain');
  // Browsers send Origin on every cross-origin POST; curl, scripts and test harnesses send none.
  if (req.headers.origin !== undefined) return send(res, 403, 'forbidden: requests from a web page (Origin) are refused\n', 'text/plain');
  if (!isJson(req)) return send(res, 415, 'unsupported media type: send Content-Type: application/json\n', 'text/plain');
  try {
    const parsed = JSON.parse((await readBody(req, 65536)).toString('utf8')) as unknown;
    const rules = (Array.isArray(parsed) ? parsed : [parsed]).map(checkFaultRule);
    state.faults.set(rules);
    send(res, 200, JSON.stringify({ ok: true, rules }) + '\n', 'application/json');
  } catch (err) {
    send(res, 400, JSON.stringify({ ok: false, error: err instanceof Error ? err.message : 'bad request' }) + '\n', 'application/json');
  }
}

async function ews(state: RouterState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  const outcome = await state.auth.authenticate(req);
  if (outcome.kind === 'challenge') {
    return send(res, 401, '', 'text/html', { 'www-authenticate': outcome.wwwAuthenticate });
  }
  sendAuthResult(res, outcome);
  if (req.method !== 'POST') return send(res, 200, '<html><body>Exchange Web Services (sandbox)</body></html>', 'text/html');
  const receivedAt = Date.now();
  const request = body.toString('utf8');
  // Exchange's budgets are per mailbox: an app-only caller's is the mailbox it anchors on (X-AnchorMailbox).
  const mailbox = outcome.kind === 'app' ? String(req.headers['x-anchormailbox'] ?? outcome.access.app.clientId).toLowerCase() : outcome.account.email;
  const admission = state.limits.admit(mailbox, req.socket);
  res.once('close', admission.leave);
  if (admission.refused) {
    const xml = faultXml(admission.refused);
    state.tap?.({ operation: undefined, status: 500, request, response: xml });
    res.once('finish', admission.answered);
    return send(res, 500, xml);
  }
  const injected = state.faults.next();
  if (injected?.kind === 'internal200') {
    const answer = internalErrorAnswer(request, state.version, 'ErrorServerBusy', 'The server cannot service this request right now. Try again later.');
    if (answer) {
      state.tap?.({ operation: answer.operation, status: answer.status, request, response: answer.xml, injected: injected.kind });
      return send(res, answer.status, answer.xml);
    }
  }
  if (injected && (injected.kind !== 'reset' && injected.kind !== 'badxml')) {
    state.tap?.({ operation: undefined, status: 0, request, response: '', injected: injected.kind });
    return sendInjected(res, injected.kind, injected.backoffMs, () => '');
  }
  const common = {
    directory: state.directory, store: state.store, version: state.version, hostname: state.hostname, now: state.now, limits: state.limits, receivedAt,
  };
  const answer = await handleEws(request, outcome.kind === 'app' ? { ...common, app: outcome.access } : { ...common, account: outcome.account });
  state.tap?.({ operation: answer.operation, status: answer.status, request, response: answer.xml, injected: injected?.kind, headers: req.headers });
  // reset and badxml strike after the operation ran: the message went out, the client never learns it.
  if (injected) return sendInjected(res, injected.kind, injected.backoffMs, () => answer.xml);
  send(res, answer.status, answer.xml);
}

export async function route(state: RouterState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
  const path = rawPath.toLowerCase();
  try {
    const identity = IDENTITY_PATH.exec(rawPath);
    if (identity) return await handleIdentity(state.identity, req, res, identity);
    if (path.startsWith('/v1.0/')) return await handleGraph(state.graph, req, res, rawPath);
    if (path.startsWith('/upload/attachments/')) return await state.graph.uploads.put(rawPath.slice('/upload/attachments/'.length), req, res, state.store, state.now());
    if (path === '/ews/exchange.asmx') return await ews(state, req, res);
    if (path === '/autodiscover/autodiscover.svc') return await autodiscoverSoap(state, req, res);
    if (path === '/autodiscover/autodiscover.xml') return await autodiscoverPox(state, req, res);
    if (path === '/sandbox/faults' && req.method === 'POST') return await faultControl(state, req, res);
    if (path === '/sandbox/limits') return await limitsControl(state.limits, req, res);
    send(res, 404, 'not found\n', 'text/plain');
  } catch (err) {
    if (err instanceof BodyTooLarge) return send(res, 413, 'request entity too large\n', 'text/plain');
    if (!res.headersSent) send(res, 500, 'internal sandbox error\n', 'text/plain');
    else res.destroy();
  }
}
