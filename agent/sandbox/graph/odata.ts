// Graph's answers on the wire: JSON with OData annotations, errors as {"error": {"code", "message",
// "innerError": {"date", "request-id", "client-request-id"}}} with Graph's own codes, request ids in headers.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

const JSON_TYPE = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

export interface GraphError {
  status: number;
  code: string;
  message: string;
  headers?: Record<string, string>;
}

function ids(req: IncomingMessage): { requestId: string; clientRequestId: string } {
  const requestId = randomUUID();
  const given = req.headers['client-request-id'];
  return { requestId, clientRequestId: typeof given === 'string' && given.length <= 64 ? given : requestId };
}

export function sendJson(req: IncomingMessage, res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const { requestId, clientRequestId } = ids(req);
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(text), 'request-id': requestId, 'client-request-id': clientRequestId, ...headers }).end(text);
}

/** 202 Accepted (sendMail, send) or 204 No Content (delete): no body. */
export function sendEmpty(req: IncomingMessage, res: ServerResponse, status: 201 | 202 | 204, headers: Record<string, string> = {}): void {
  const { requestId, clientRequestId } = ids(req);
  res.writeHead(status, { 'content-length': 0, 'request-id': requestId, 'client-request-id': clientRequestId, ...headers }).end();
}

export function errorBody(e: GraphError, requestId: string, clientRequestId: string, now: Date): { error: Record<string, unknown> } {
  return { error: { code: e.code, message: e.message, innerError: { date: now.toISOString().replace(/\.\d+Z$/, ''), 'request-id': requestId, 'client-request-id': clientRequestId } } };
}

export function sendError(req: IncomingMessage, res: ServerResponse, e: GraphError, now: Date): void {
  const { requestId, clientRequestId } = ids(req);
  const text = JSON.stringify(errorBody(e, requestId, clientRequestId, now));
  res.writeHead(e.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'request-id': requestId, 'client-request-id': clientRequestId, ...e.headers }).end(text);
}

export class GraphFailure extends Error {
  readonly error: GraphError;
  constructor(error: GraphError) {
    super(error.message);
    this.error = error;
  }
}

export const Errors = {
  noToken: (): GraphError => ({ status: 401, code: 'InvalidAuthenticationToken', message: 'Access token is empty.' }),
  expired: (): GraphError => ({ status: 401, code: 'InvalidAuthenticationToken', message: 'Lifetime validation failed, the token is expired.',
    headers: { 'www-authenticate': 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="invalid_token", error_description="the token is expired"' } }),
  badToken: (why: string): GraphError => ({ status: 401, code: 'InvalidAuthenticationToken', message: `Access token validation failure. ${why}` }),
  accessDenied: (): GraphError => ({ status: 403, code: 'ErrorAccessDenied', message: 'Access is denied. Check credentials and try again.' }),
  sendAsDenied: (): GraphError => ({ status: 403, code: 'ErrorSendAsDenied', message: 'The user account which was used to submit this request does not have the right to send mail on behalf of the specified sending account., Cannot submit message.' }),
  invalidUser: (id: string): GraphError => ({ status: 404, code: 'ErrorInvalidUser', message: `The requested user '${id}' is invalid.` }),
  itemNotFound: (): GraphError => ({ status: 404, code: 'ErrorItemNotFound', message: 'The specified object was not found in the store.' }),
  badRequest: (message: string, code = 'ErrorInvalidRequest'): GraphError => ({ status: 400, code, message }),
  bodyRead: (message: string): GraphError => ({ status: 400, code: 'RequestBodyRead', message }),
  noSuchProperty: (name: string, type: string): GraphError => ({ status: 400, code: 'RequestBodyRead',
    message: `The property '${name}' does not exist on type '${type}'. Make sure to only use property names that are defined by the type or mark the type as open type.` }),
  invalidRecipients: (): GraphError => ({ status: 400, code: 'ErrorInvalidRecipients', message: 'At least one recipient is not valid., A message can\'t be sent because it contains no recipients.' }),
  badBase64: (): GraphError => ({ status: 400, code: 'ErrorMimeContentInvalidBase64String', message: 'Invalid base64 string for MIME content.' }),
  tooLarge: (): GraphError => ({ status: 413, code: 'RequestEntityTooLarge', message: 'The request is larger than 4 MB: send large attachments with an upload session.' }),
  unsupported: (what: string): GraphError => ({ status: 400, code: 'BadRequest', message: `Unsupported request: ${what}` }),
  throttled: (retryAfterSeconds: number, limit: string): GraphError => ({ status: 429, code: 'ApplicationThrottled', message: `Application is over its ${limit} limit.`,
    headers: { 'retry-after': String(retryAfterSeconds) } }),
  unavailable: (retryAfterSeconds: number): GraphError => ({ status: 503, code: 'ServiceNotAvailable', message: 'The service is temporarily unavailable. Please retry later.',
    headers: { 'retry-after': String(retryAfterSeconds) } }),
} as const;
