// A message as a Graph client sends it in JSON (sendMail's `message`, a draft, an attachment), read the way
// Graph reads it: a property the type does not declare, a value of the wrong kind, an enum member that does
// not exist or bytes that are not base64 are a 400 RequestBodyRead (the property names are Microsoft's
// metadata, test/fixtures/graph-schema). Custom internet headers must start with X-, as Graph requires.
import type { Address, Attachment, RequestedMessage } from '../mailbox/message.ts';
import { Errors, GraphFailure } from './odata.ts';

const MESSAGE = new Set([
  'id', 'categories', 'changeKey', 'createdDateTime', 'lastModifiedDateTime', 'bccRecipients', 'body', 'bodyPreview', 'ccRecipients',
  'conversationId', 'conversationIndex', 'flag', 'from', 'hasAttachments', 'importance', 'inferenceClassification', 'internetMessageHeaders',
  'internetMessageId', 'isDeliveryReceiptRequested', 'isDraft', 'isRead', 'isReadReceiptRequested', 'parentFolderId', 'receivedDateTime',
  'replyTo', 'sender', 'sentDateTime', 'subject', 'toRecipients', 'uniqueBody', 'webLink', 'attachments', 'extensions',
  'multiValueExtendedProperties', 'singleValueExtendedProperties',
]);
const FILE_ATTACHMENT = new Set(['id', 'contentType', 'isInline', 'lastModifiedDateTime', 'name', 'size', 'contentBytes', 'contentId', 'contentLocation']);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

type Json = Record<string, unknown>;

function object(value: unknown, type: string): Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new GraphFailure(Errors.bodyRead(`Cannot read a value of type '${type}' from the request body: an object was expected.`));
  }
  return value as Json;
}

function closed(value: Json, allowed: ReadonlySet<string>, type: string): void {
  for (const key of Object.keys(value)) {
    if (!key.startsWith('@') && !key.includes('@odata.') && !allowed.has(key)) throw new GraphFailure(Errors.noSuchProperty(key, type));
  }
}

function text(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new GraphFailure(Errors.bodyRead(`Cannot convert the value of '${what}' to 'Edm.String'.`));
  return value;
}

function address(value: unknown): Address {
  const recipient = object(value, 'microsoft.graph.recipient');
  closed(recipient, new Set(['emailAddress']), 'microsoft.graph.recipient');
  const email = object(recipient.emailAddress, 'microsoft.graph.emailAddress');
  closed(email, new Set(['address', 'name']), 'microsoft.graph.emailAddress');
  const addr = text(email.address, 'address');
  if (!addr || !/^[^@\s]+@[^@\s]+$/.test(addr)) throw new GraphFailure(Errors.invalidRecipients());
  const name = text(email.name, 'name');
  return name ? { email: addr, name } : { email: addr };
}

function recipients(value: unknown, what: string): Address[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new GraphFailure(Errors.bodyRead(`'${what}' must be a collection of microsoft.graph.recipient.`));
  return value.map(address);
}

export function attachmentOf(value: unknown): Attachment {
  const a = object(value, 'microsoft.graph.attachment');
  const type = a['@odata.type'];
  if (type !== '#microsoft.graph.fileAttachment' && type !== 'microsoft.graph.fileAttachment' && type !== '#Microsoft.OutlookServices.FileAttachment') {
    throw new GraphFailure(Errors.bodyRead(type === undefined
      ? 'Cannot create an abstract class: give the attachment\'s @odata.type, e.g. #microsoft.graph.fileAttachment.'
      : `The attachment type ${JSON.stringify(type)} is not supported here: #microsoft.graph.fileAttachment is.`));
  }
  closed(a, FILE_ATTACHMENT, 'microsoft.graph.fileAttachment');
  const bytes = text(a.contentBytes, 'contentBytes') ?? '';
  if (!BASE64.test(bytes)) throw new GraphFailure(Errors.bodyRead('Cannot convert the literal of \'contentBytes\' to the expected type \'Edm.Binary\'.'));
  if (a.isInline !== undefined && typeof a.isInline !== 'boolean') throw new GraphFailure(Errors.bodyRead('Cannot convert the value of \'isInline\' to \'Edm.Boolean\'.'));
  const contentType = text(a.contentType, 'contentType');
  const contentId = text(a.contentId, 'contentId');
  return {
    name: text(a.name, 'name') ?? 'attachment', isInline: a.isInline === true, content: Buffer.from(bytes, 'base64'),
    ...(contentType ? { contentType } : {}), ...(contentId ? { contentId } : {}),
  };
}

/** The `message` of sendMail, or a draft's body. */
export function messageOf(value: unknown): RequestedMessage {
  const m = object(value, 'microsoft.graph.message');
  closed(m, MESSAGE, 'microsoft.graph.message');
  let body: RequestedMessage['body'];
  if (m.body !== undefined && m.body !== null) {
    const b = object(m.body, 'microsoft.graph.itemBody');
    closed(b, new Set(['content', 'contentType']), 'microsoft.graph.itemBody');
    const kind = text(b.contentType, 'contentType')?.toLowerCase() ?? 'text';
    if (kind !== 'text' && kind !== 'html') {
      throw new GraphFailure(Errors.bodyRead(`Cannot convert the literal '${String(b.contentType)}' to the expected type 'microsoft.graph.bodyType'.`));
    }
    body = { html: kind === 'html', text: text(b.content, 'content') ?? '' };
  }
  const importance = text(m.importance, 'importance');
  if (importance !== undefined && !['low', 'normal', 'high'].includes(importance.toLowerCase())) {
    throw new GraphFailure(Errors.bodyRead(`Cannot convert the literal '${importance}' to the expected type 'microsoft.graph.importance'.`));
  }
  const headers = m.internetMessageHeaders === undefined ? [] : Array.isArray(m.internetMessageHeaders) ? m.internetMessageHeaders : [null];
  for (const h of headers) {
    const header = object(h, 'microsoft.graph.internetMessageHeader');
    closed(header, new Set(['name', 'value']), 'microsoft.graph.internetMessageHeader');
    if (!/^x-/i.test(text(header.name, 'name') ?? '')) {
      throw new GraphFailure(Errors.badRequest('The internet message header name should start with \'x-\' or \'X-\'.', 'InvalidInternetMessageHeader'));
    }
  }
  const from = m.from === undefined || m.from === null ? undefined : address(m.from);
  const subject = text(m.subject, 'subject');
  const internetMessageId = text(m.internetMessageId, 'internetMessageId');
  return {
    ...(subject !== undefined ? { subject } : {}), ...(body ? { body } : {}),
    to: recipients(m.toRecipients, 'toRecipients'), cc: recipients(m.ccRecipients, 'ccRecipients'), bcc: recipients(m.bccRecipients, 'bccRecipients'),
    replyTo: recipients(m.replyTo, 'replyTo'), ...(from ? { from } : {}), ...(importance ? { importance } : {}),
    ...(internetMessageId ? { internetMessageId } : {}),
    attachments: m.attachments === undefined || m.attachments === null ? [] : Array.isArray(m.attachments) ? m.attachments.map(attachmentOf) : [attachmentOf(null)],
  };
}

/** A MIME body (Content-Type text/plain): base64 of an RFC 5322 message. */
export function mimeOf(body: Buffer): Buffer {
  const text = body.toString('latin1').replace(/\s+/g, '');
  if (text === '' || !BASE64.test(text)) throw new GraphFailure(Errors.badBase64());
  return Buffer.from(text, 'base64');
}
