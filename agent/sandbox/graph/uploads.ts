// Upload sessions for large attachments (attachment-createuploadsession): a pre-authenticated upload URL,
// on another host name than Graph's as in Exchange Online (so a client that adds its token to Graph's hosts
// only, as the Graph SDK does, sends none there), that takes the attachment's bytes in consecutive ranges of
// at most 4 MiB (PUT with Content-Range). Each range answers 200 with the next expected range; the last one
// 201, and the attachment is on the draft.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLarge, readBody } from '../http/body.ts';
import type { MailboxStore } from '../mailbox/store.ts';
import { Errors, sendEmpty, sendError, sendJson, type GraphError } from './odata.ts';

export const MAX_CHUNK = 4 * 1024 * 1024;
const SESSION_MS = 6 * 3600_000;

interface Session {
  owner: string;
  itemId: string;
  name: string;
  size: number;
  contentType?: string;
  isInline: boolean;
  chunks: Buffer[];
  next: number;
  expiresAt: number;
}

export class UploadSessions {
  private readonly sessions = new Map<string, Session>();

  create(session: Omit<Session, 'chunks' | 'next' | 'expiresAt'>, now: number): { token: string; expiresAt: number } {
    const token = randomBytes(24).toString('base64url');
    const expiresAt = now + SESSION_MS;
    this.sessions.set(token, { ...session, chunks: [], next: 0, expiresAt });
    return { token, expiresAt };
  }

  /** PUT /upload/attachments/{token}. */
  async put(token: string, req: IncomingMessage, res: ServerResponse, store: MailboxStore, now: Date): Promise<void> {
    const fail = (e: GraphError): void => sendError(req, res, e, now);
    const session = this.sessions.get(token);
    if (!session || session.expiresAt < now.getTime()) return fail(Errors.itemNotFound());
    if (req.headers.authorization) {
      return fail({ status: 401, code: 'InvalidAuthenticationToken', message: 'The upload URL is pre-authenticated: send no Authorization header with it.' });
    }
    if (req.method !== 'PUT') return fail(Errors.unsupported(`${req.method ?? ''} on an upload URL`));
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(req.headers['content-range'] ?? ''));
    let body: Buffer;
    try {
      body = await readBody(req, MAX_CHUNK);
    } catch (err) {
      if (err instanceof BodyTooLarge) return fail({ status: 413, code: 'RequestEntityTooLarge', message: 'A range must be at most 4 MB.' });
      throw err;
    }
    if (!range) return fail(Errors.badRequest('The Content-Range header is missing or malformed: bytes START-END/TOTAL.', 'InvalidContentRange'));
    const [start, end, total] = [Number(range[1]), Number(range[2]), Number(range[3])];
    if (total !== session.size || start !== session.next || end < start || end >= total || body.length !== end - start + 1) {
      return fail(Errors.badRequest(`The range does not fit: expected bytes ${session.next}- of ${session.size}, ${body.length} bytes sent.`, 'InvalidContentRange'));
    }
    session.chunks.push(body);
    session.next = end + 1;
    if (session.next < session.size) {
      return sendJson(req, res, 200, {
        '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.uploadSession',
        expirationDateTime: new Date(session.expiresAt).toISOString(), nextExpectedRanges: [`${session.next}-`],
      });
    }
    this.sessions.delete(token);
    const item = store.get(session.itemId);
    if (!item || item.owner !== session.owner || item.folder !== 'drafts') return fail(Errors.itemNotFound());
    item.message.attachments.push({ name: session.name, isInline: session.isInline, content: Buffer.concat(session.chunks),
      ...(session.contentType ? { contentType: session.contentType } : {}) });
    const attachmentId = `${session.itemId}-att${item.message.attachments.length}`;
    sendEmpty(req, res, 201, { location: `https://graph.microsoft.com/v1.0/users/${encodeURIComponent(session.owner)}/messages/${encodeURIComponent(session.itemId)}/attachments/${encodeURIComponent(attachmentId)}` });
  }
}
