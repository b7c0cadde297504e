// Injected faults as Graph answers them: busy is 429 ApplicationThrottled with Retry-After (seconds), unavailable
// 503 with Retry-After, expired a 401 InvalidAuthenticationToken; reset and badxml cut the answer of an
// operation that did run; stall never answers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultKind } from '../faults.ts';
import { reset as cut } from '../http/injected.ts';
import { Errors, sendError } from './odata.ts';

export function sendInjectedGraph(req: IncomingMessage, res: ServerResponse, kind: FaultKind, backoffMs: number, now: Date): void {
  const seconds = Math.max(1, Math.ceil(backoffMs / 1000));
  switch (kind) {
    case 'busy': return sendError(req, res, Errors.throttled(seconds, 'MailboxConcurrency'), now);
    case 'unavailable': return sendError(req, res, Errors.unavailable(seconds), now);
    case 'expired': return sendError(req, res, Errors.expired(), now);
    case 'html500': {
      const html = '<!DOCTYPE html><html><body><h1>500 Internal Server Error</h1></body></html>';
      res.writeHead(500, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(html) }).end(html);
      return;
    }
    case 'badxml': {
      const half = '{"error":{"code":"Internal';
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': half.length + 40 });
      res.write(half, () => cut(res.socket));
      return;
    }
    case 'reset':
      cut(res.socket);
      return;
    case 'stall':
      return;
  }
}
