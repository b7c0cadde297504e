// /sandbox/limits: the mailbox limits at run time, for clients on this machine only. GET shows them; POST
// changes them (JSON: each key given replaces that limit, null lifts it; see limits/options.ts). Like any
// control endpoint, it takes application/json only and refuses requests a browser page sent (Origin).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describeLimits } from '../limits/options.ts';
import type { MailboxLimits } from '../limits/limiter.ts';
import { readBody } from './body.ts';
import { isLoopback } from './loopback.ts';

function reply(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value) + '\n';
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
}

export async function limitsControl(limits: MailboxLimits, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!isLoopback(req.socket.remoteAddress) || req.headers.origin !== undefined) return reply(res, 403, { ok: false, error: 'forbidden' });
  // `outboxWaiting`: messages not yet delivered or not yet in Sent Items (a benchmark waits for 0).
  if (req.method === 'GET') return reply(res, 200, { ok: true, limits: describeLimits(limits.current), outboxWaiting: limits.outbox.waiting });
  if (req.method !== 'POST') return reply(res, 405, { ok: false, error: 'GET or POST' });
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return reply(res, 415, { ok: false, error: 'send application/json' });
  try {
    const change = JSON.parse((await readBody(req, 65536)).toString('utf8')) as unknown;
    reply(res, 200, { ok: true, limits: describeLimits(limits.change(change)) });
  } catch (err) {
    reply(res, 400, { ok: false, error: err instanceof Error ? err.message : 'bad request' });
  }
}
