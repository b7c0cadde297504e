// Messages in the mailbox: create a draft (JSON or MIME), read one, delete one, add a small attachment or
// open an upload session for a large one, and list a folder (Drafts, Sent Items) with $filter on
// internetMessageId, $select and $top.
import { submitless } from './submitless.ts';
import type { GraphRequest } from './context.ts';
import { messageJson } from './message-out.ts';
import { attachmentOf, messageOf, mimeOf } from './message-in.ts';
import { Errors, GraphFailure, sendEmpty, sendJson } from './odata.ts';
import { isMimeRequest, jsonOf } from './send.ts';

const FOLDERS: Record<string, 'drafts' | 'sentitems'> = { drafts: 'drafts', sentitems: 'sentitems' };

function select(g: GraphRequest): string[] | undefined {
  const value = g.query.get('$select');
  return value ? value.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
}

function canReadBody(g: GraphRequest): boolean {
  return g.access.roles.has('Mail.Read') || g.access.roles.has('Mail.ReadWrite');
}

function context(g: GraphRequest, tail: string): string {
  return `https://graph.microsoft.com/v1.0/$metadata#users('${encodeURIComponent(g.userId)}')/${tail}`;
}

function draftOf(g: GraphRequest, id: string) {
  const item = g.state.store.get(id);
  if (!item || item.owner !== g.account.email) throw new GraphFailure(Errors.itemNotFound());
  return item;
}

export function createDraft(g: GraphRequest): void {
  const message = isMimeRequest(g) ? submitless(mimeOf(g.body)) : messageOf(jsonOf(g));
  const id = g.state.store.nextId();
  const created = g.state.now().toISOString();
  g.state.created.set(id, created);
  const internetMessageId = message.internetMessageId ?? `<${g.state.store.nextMessageToken()}@${g.state.hostname}>`;
  const item = { id, changeKey: 'CQAAABYAAAA', owner: g.account.email, folder: 'drafts' as const, subject: message.subject ?? '', internetMessageId, message };
  g.state.store.save(item);
  sendJson(g.req, g.res, 201, { '@odata.context': context(g, 'messages/$entity'), ...messageJson(item, created, undefined, true) });
}

export function getMessage(g: GraphRequest, id: string): void {
  const item = draftOf(g, id);
  if (item.visibleAt !== undefined && item.visibleAt > g.state.now().getTime()) throw new GraphFailure(Errors.itemNotFound());
  const created = g.state.created.get(id) ?? item.sentAt ?? g.state.now().toISOString();
  sendJson(g.req, g.res, 200, { '@odata.context': context(g, 'messages/$entity'), ...messageJson(item, created, select(g), canReadBody(g)) });
}

export function deleteMessage(g: GraphRequest, id: string): void {
  draftOf(g, id);
  g.state.store.remove(id);
  sendEmpty(g.req, g.res, 204);
}

export function addAttachment(g: GraphRequest, id: string): void {
  const item = draftOf(g, id);
  if (item.folder !== 'drafts') throw new GraphFailure(Errors.badRequest('Attachments can only be added to drafts.', 'ErrorInvalidOperation'));
  const attachment = attachmentOf(jsonOf(g));
  item.message.attachments.push(attachment);
  sendJson(g.req, g.res, 201, {
    '@odata.context': context(g, `messages('${id}')/attachments/$entity`), '@odata.type': '#microsoft.graph.fileAttachment',
    id: `${id}-att${item.message.attachments.length}`, lastModifiedDateTime: g.state.now().toISOString().replace(/\.\d+Z$/, 'Z'),
    name: attachment.name, contentType: attachment.contentType ?? 'application/octet-stream', size: attachment.content.length,
    isInline: attachment.isInline, contentId: attachment.contentId ?? null, contentLocation: null, contentBytes: attachment.content.toString('base64'),
  });
}

/** createUploadSession: {AttachmentItem: {attachmentType: file, name, size, contentType?, isInline?}}. */
export function createUploadSession(g: GraphRequest, id: string, uploadOrigin: string): void {
  const item = draftOf(g, id);
  if (item.folder !== 'drafts') throw new GraphFailure(Errors.badRequest('Attachments can only be added to drafts.', 'ErrorInvalidOperation'));
  const body = jsonOf(g);
  const key = Object.keys(body).find((k) => k.toLowerCase() === 'attachmentitem');
  if (!key || Object.keys(body).length !== 1) throw new GraphFailure(Errors.badRequest('The parameter \'AttachmentItem\' is missing or not alone.', 'ErrorInvalidParameter'));
  const a = body[key] as Record<string, unknown> | null;
  if (!a || typeof a !== 'object') throw new GraphFailure(Errors.bodyRead('AttachmentItem must be an object.'));
  for (const k of Object.keys(a)) {
    if (!['attachmentType', 'contentId', 'contentType', 'isInline', 'name', 'size'].includes(k)) throw new GraphFailure(Errors.noSuchProperty(k, 'microsoft.graph.attachmentItem'));
  }
  if (a.attachmentType !== undefined && (typeof a.attachmentType !== 'string' || a.attachmentType.toLowerCase() !== 'file')) throw new GraphFailure(Errors.badRequest('Only file attachments can be uploaded.', 'ErrorInvalidParameter'));
  if (typeof a.name !== 'string' || !Number.isInteger(a.size) || (a.size as number) < 1) {
    throw new GraphFailure(Errors.badRequest('AttachmentItem needs a name and a size in bytes.', 'ErrorInvalidParameter'));
  }
  if ((a.size as number) > 150 * 1024 * 1024) throw new GraphFailure(Errors.badRequest('The attachment exceeds 150 MB.', 'ErrorAttachmentSizeLimitExceeded'));
  const session = g.state.uploads.create({
    owner: g.account.email, itemId: id, name: a.name, size: a.size as number, isInline: a.isInline === true,
    ...(typeof a.contentType === 'string' ? { contentType: a.contentType } : {}),
  }, g.state.now().getTime());
  sendJson(g.req, g.res, 201, {
    '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.uploadSession',
    uploadUrl: `${uploadOrigin}/upload/attachments/${session.token}`, expirationDateTime: new Date(session.expiresAt).toISOString(), nextExpectedRanges: ['0-'],
  });
}

/** `internetMessageId eq '<…>'` (quotes doubled inside, as OData escapes them). */
function filterOf(g: GraphRequest): ((internetMessageId: string) => boolean) | undefined {
  const filter = g.query.get('$filter');
  if (filter === null) return undefined;
  const m = /^\s*internetMessageId\s+eq\s+'((?:[^']|'')*)'\s*$/i.exec(filter);
  if (!m) throw new GraphFailure(Errors.badRequest('The query filter is not supported: internetMessageId eq \'...\' is.', 'ErrorInvalidUrlQueryFilter'));
  const wanted = (m[1] ?? '').replace(/''/g, '\'');
  return (id) => id === wanted;
}

export function listFolder(g: GraphRequest, folderName: string): void {
  const folder = FOLDERS[folderName.toLowerCase()];
  if (!folder) throw new GraphFailure(Errors.itemNotFound());
  const matches = filterOf(g);
  const top = Number(g.query.get('$top') ?? 10);
  if (!Number.isInteger(top) || top < 1 || top > 1000) throw new GraphFailure(Errors.badRequest('$top must be a whole number from 1 to 1000.', 'ErrorInvalidUrlQuery'));
  const items = g.state.store.itemsIn(g.account.email, folder, g.state.now().getTime())
    .filter((i) => !matches || matches(i.internetMessageId)).slice(0, top);
  const fields = select(g);
  sendJson(g.req, g.res, 200, {
    '@odata.context': context(g, `mailFolders('${folderName}')/messages${fields ? `(${fields.join(',')})` : ''}`),
    value: items.map((i) => messageJson(i, g.state.created.get(i.id) ?? i.sentAt ?? '', fields, canReadBody(g))),
  });
}
