// A stored message as Graph answers it (microsoft.graph.message): the properties Graph returns by default, or
// those `$select` names (always with id and the etag). An app holding only Mail.ReadBasic does not see the
// body, its preview or attachments, as Graph documents for that permission.
import type { Address, RequestedMessage } from '../mailbox/message.ts';
import { decodeWords, headerFields, headerValue, parseAddresses, splitMime } from '../mailbox/mime-headers.ts';
import type { SavedItem } from '../mailbox/store.ts';

export const BODY_PROPERTIES = new Set(['body', 'bodyPreview', 'uniqueBody', 'attachments']);

function recipient(a: Address): { emailAddress: { name: string; address: string } } {
  return { emailAddress: { name: a.name ?? a.email, address: a.email } };
}

/** The message's envelope, from its properties or (a MIME draft) its header. */
function envelope(m: RequestedMessage): { from?: Address; to: Address[]; cc: Address[]; bcc: Address[]; subject?: string } {
  if (!m.mime) return m;
  const fields = headerFields(splitMime(m.mime).header);
  const subject = headerValue(fields, 'subject');
  const [from] = parseAddresses(headerValue(fields, 'from'));
  return {
    ...(from ? { from } : {}), to: parseAddresses(headerValue(fields, 'to')), cc: parseAddresses(headerValue(fields, 'cc')),
    bcc: m.bcc, ...(subject !== undefined ? { subject: decodeWords(subject) } : {}),
  };
}

function iso(value: string | undefined): string | undefined {
  return value?.replace(/\.\d+Z$/, 'Z');
}

export function messageJson(item: SavedItem, created: string, select: readonly string[] | undefined, canReadBody: boolean): Record<string, unknown> {
  const m = item.message;
  const env = envelope(m);
  const from = env.from ? recipient(env.from) : undefined;
  const text = m.body?.text ?? '';
  const all: Record<string, unknown> = {
    id: item.id, createdDateTime: iso(created), lastModifiedDateTime: iso(created), changeKey: item.changeKey, categories: [],
    receivedDateTime: iso(item.sentAt ?? created), sentDateTime: item.sentAt ? iso(item.sentAt) : null,
    hasAttachments: m.attachments.length > 0, internetMessageId: item.internetMessageId || null, subject: item.subject || env.subject || '',
    bodyPreview: text.slice(0, 255), importance: (m.importance ?? 'normal').toLowerCase(), parentFolderId: item.folder,
    conversationId: `${item.id}-conv`, isDeliveryReceiptRequested: false, isReadReceiptRequested: false, isRead: true,
    isDraft: item.folder === 'drafts', webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(item.id)}`,
    inferenceClassification: 'focused', body: { contentType: m.body?.html ? 'html' : 'text', content: text },
    sender: from ?? null, from: from ?? null, toRecipients: env.to.map(recipient), ccRecipients: env.cc.map(recipient),
    bccRecipients: env.bcc.map(recipient), replyTo: m.replyTo.map(recipient), flag: { flagStatus: 'notFlagged' },
  };
  const wanted = select ?? Object.keys(all);
  const out: Record<string, unknown> = { '@odata.etag': `W/"${item.changeKey}"`, id: item.id };
  for (const key of wanted) {
    if (key in all && (canReadBody || !BODY_PROPERTIES.has(key))) out[key] = all[key];
  }
  return out;
}
