// Sending one message through Graph. Up to about 4 MB (base64 included, Graph's request limit): sendMail in
// MIME form — base64 of our own composed message, so the charset, Message-ID and threading headers arrive
// as composed. Larger: a draft made from the MIME without its attachments, each attachment added on its own
// (under 3 MB in one request; larger by an upload session in ranges under 4 MB), then `send`. The draft's
// id is remembered until Graph accepted the send, for wasSent.
import { AgentError, ErrorCodes } from '../../errors.ts';
import { abortError } from '../../http/errors.ts';
import type { OutgoingMessage } from '../transport.ts';
import { jsonOf, type GraphApi } from './api.ts';
import type { Pace } from './limits.ts';
import { withBcc, withoutAttachments, type Attachment } from './mime-parts.ts';

/** Graph's limit on a request, with base64 counted (Microsoft says "4 MB"; the decimal reading is the safe one). */
export const MAX_REQUEST_BYTES = 4_000_000;
/** Attachments from this size go by upload session (Graph: 3 MB to 150 MB). */
export const UPLOAD_SESSION_FROM = 3 * 1024 * 1024;
/** Upload ranges: under Graph's 4 MB per request. */
export const UPLOAD_RANGE = 3 * 1024 * 1024;

const SEND = ['Mail.Send'];
const WRITE = ['Mail.ReadWrite'];

function base64Length(bytes: number): number {
  return Math.ceil(bytes / 3) * 4;
}

export interface SendContext {
  api: GraphApi;
  pace: Pace;
  /** Message-ID → the draft it was last sent from, while Graph has not accepted the send. */
  drafts: Map<string, string>;
}

/** A place in the pace; given up waiting (the caller's deadline), a Timeout — nothing was sent. */
async function paced(ctx: SendContext, signal?: AbortSignal): Promise<void> {
  try {
    await ctx.pace.slot(signal);
  } catch (err) {
    throw err instanceof AgentError ? err : abortError(signal?.reason ?? err, ctx.api.host);
  }
}

export async function sendMessage(ctx: SendContext, message: OutgoingMessage, signal?: AbortSignal): Promise<void> {
  const mime = withBcc(message.mime, message.bcc);
  if (base64Length(mime.length) <= MAX_REQUEST_BYTES) {
    await paced(ctx, signal);
    await ctx.api.call('POST', '/sendMail', { mime }, { what: 'sendMail', permissions: SEND }, signal);
    return;
  }
  await sendLarge(ctx, message, mime, signal);
}

async function addAttachment(ctx: SendContext, draftId: string, a: Attachment, signal?: AbortSignal): Promise<void> {
  const base = `/messages/${encodeURIComponent(draftId)}/attachments`;
  if (a.content.length < UPLOAD_SESSION_FROM) {
    const json = { '@odata.type': '#microsoft.graph.fileAttachment', name: a.filename, contentType: a.contentType, contentBytes: a.content.toString('base64') };
    await ctx.api.call('POST', base, { json }, { what: 'adding an attachment', permissions: WRITE }, signal);
    return;
  }
  const item = { AttachmentItem: { attachmentType: 'file', name: a.filename, size: a.content.length, contentType: a.contentType } };
  const session = jsonOf(await ctx.api.call('POST', `${base}/createUploadSession`, { json: item }, { what: 'creating an upload session', permissions: WRITE }, signal), ctx.api.host);
  const uploadUrl = session.uploadUrl;
  if (typeof uploadUrl !== 'string' || !URL.canParse(uploadUrl) || new URL(uploadUrl).protocol !== 'https:') {
    throw new AgentError(ErrorCodes.ProtocolError, `${ctx.api.host} answered createUploadSession without an https uploadUrl`);
  }
  for (let start = 0; start < a.content.length; start += UPLOAD_RANGE) {
    await ctx.api.upload(uploadUrl, a.content.subarray(start, start + UPLOAD_RANGE), start, a.content.length, signal);
  }
}

async function sendLarge(ctx: SendContext, message: OutgoingMessage, mime: Buffer, signal?: AbortSignal): Promise<void> {
  const attachments = message.parts?.attachments ?? [];
  const reduced = withoutAttachments(mime);
  if (base64Length(reduced.mime.length) > MAX_REQUEST_BYTES || reduced.removed !== attachments.length) {
    throw new AgentError(ErrorCodes.MessageInvalid, `the message is over Graph's ${MAX_REQUEST_BYTES / 1e6} MB request limit without its attachments: it cannot be sent through Graph`);
  }
  const stale = ctx.drafts.get(message.messageId);
  if (stale) await deleteDraft(ctx, stale, signal).catch(() => undefined);
  const draft = jsonOf(await ctx.api.call('POST', '/messages', { mime: reduced.mime }, { what: 'creating the draft', permissions: WRITE }, signal), ctx.api.host);
  const draftId = typeof draft.id === 'string' ? draft.id : undefined;
  if (!draftId) throw new AgentError(ErrorCodes.ProtocolError, `${ctx.api.host} created the draft without telling its id`);
  ctx.drafts.set(message.messageId, draftId);
  try {
    for (const a of attachments) await addAttachment(ctx, draftId, a, signal);
  } catch (err) {
    // Nothing was sent: the half-built draft goes, and the next attempt starts over.
    ctx.drafts.delete(message.messageId);
    await deleteDraft(ctx, draftId, signal).catch(() => undefined);
    throw err;
  }
  await paced(ctx, signal);
  await ctx.api.call('POST', `/messages/${encodeURIComponent(draftId)}/send`, {}, { what: 'sending the draft', permissions: SEND }, signal);
  ctx.drafts.delete(message.messageId);
}

export async function deleteDraft(ctx: Pick<SendContext, 'api'>, draftId: string, signal?: AbortSignal): Promise<void> {
  await ctx.api.call('DELETE', `/messages/${encodeURIComponent(draftId)}`, {}, { what: 'deleting a draft', permissions: WRITE }, signal);
}
