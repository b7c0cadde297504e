// The parts of Microsoft's EWS schema that the sandbox enforces on the requests it understands, so that
// malformed requests fail as they would on Exchange (ErrorSchemaValidation) rather than being guessed at:
// child order and names of t:Message and t:Mailbox, text-only elements that carry markup, and enums.
import { NS } from '../xml/namespaces.ts';
import type { XmlNode } from '../xml/parse.ts';

export class SchemaViolation extends Error {
  readonly node: XmlNode;

  constructor(message: string, node: XmlNode) {
    super(message);
    this.node = node;
    this.name = 'SchemaViolation';
  }
}

// ItemType's sequence, then MessageType's extension of it (types.xsd).
const MESSAGE_ORDER = [
  'MimeContent', 'ItemId', 'ParentFolderId', 'ItemClass', 'Subject', 'Sensitivity', 'Body', 'Attachments',
  'DateTimeReceived', 'Size', 'Categories', 'Importance', 'InReplyTo', 'IsSubmitted', 'IsDraft', 'IsFromMe',
  'IsResend', 'IsUnmodified', 'InternetMessageHeaders', 'DateTimeSent', 'DateTimeCreated', 'ResponseObjects',
  'ReminderDueBy', 'ReminderIsSet', 'ReminderNextTime', 'ReminderMinutesBeforeStart', 'DisplayCc', 'DisplayTo',
  'DisplayBcc', 'HasAttachments', 'ExtendedProperty', 'Culture', 'EffectiveRights', 'LastModifiedName',
  'LastModifiedTime', 'IsAssociated', 'WebClientReadFormQueryString', 'WebClientEditFormQueryString',
  'ConversationId', 'UniqueBody', 'Flag', 'StoreEntryId', 'InstanceKey', 'NormalizedBody',
  'EntityExtractionResult', 'PolicyTag', 'ArchiveTag', 'RetentionDate', 'Preview',
  'RightsManagementLicenseData', 'PredictedActionReasons', 'IsClutter', 'BlockStatus', 'HasBlockedImages',
  'TextBody', 'IconIndex', 'SearchKey', 'SortKey', 'Hashtags', 'MentionedMe', 'Mentions', 'MentionsEx',
  'AppliedHashtags', 'AppliedHashtagsPreview', 'Likes', 'LikesPreview', 'PendingSocialActivityTagIds',
  'AtAllMention', 'CanDelete', 'InferenceClassification',
  'Sender', 'ToRecipients', 'CcRecipients', 'BccRecipients', 'IsReadReceiptRequested',
  'IsDeliveryReceiptRequested', 'ConversationIndex', 'ConversationTopic', 'From', 'InternetMessageId', 'IsRead',
  'IsResponseRequested', 'References', 'ReplyTo', 'ReceivedBy', 'ReceivedRepresenting', 'ApprovalRequestData',
  'VotingInformation', 'ReminderMessageData',
];
const MAILBOX_ORDER = ['Name', 'EmailAddress', 'RoutingType', 'MailboxType', 'ItemId', 'OriginalDisplayName'];
const FILE_ATTACHMENT_ORDER = ['AttachmentId', 'Name', 'ContentType', 'ContentId', 'ContentLocation',
  'AttachmentOriginalUrl', 'Size', 'LastModifiedTime', 'IsInline', 'IsContactPhoto', 'Content'];

// Elements whose schema type is text (or a simple type): markup inside them is a violation.
const TEXT_ONLY = new Set([
  'Subject', 'Body', 'MimeContent', 'Sensitivity', 'Importance', 'InternetMessageId', 'EmailAddress', 'Name',
  'RoutingType', 'MailboxType', 'ItemClass', 'IsRead', 'IsReadReceiptRequested', 'IsDeliveryReceiptRequested',
  'IsResponseRequested', 'ReminderIsSet', 'ReminderMinutesBeforeStart', 'Content', 'ContentType', 'ContentId',
  'IsInline', 'IsContactPhoto', 'References', 'InReplyTo', 'UnresolvedEntry', 'BaseShape', 'Culture',
]);

export const ENUMS: Record<string, readonly string[]> = {
  MessageDisposition: ['SaveOnly', 'SendOnly', 'SendAndSaveCopy'],
  SendMeetingInvitations: ['SendToNone', 'SendOnlyToAll', 'SendToAllAndSaveCopy'],
  BodyType: ['HTML', 'Text', 'Best'],
  Importance: ['Low', 'Normal', 'High'],
  Sensitivity: ['Normal', 'Personal', 'Private', 'Confidential'],
};

function checkOrder(parent: XmlNode, order: readonly string[]): void {
  let last = -1;
  for (const c of parent.children) {
    const at = c.ns === NS.t ? order.indexOf(c.local) : -1;
    if (at < 0 || at <= last) {
      const expected = order.slice(last + 1, last + 4).map((n) => `'${NS.t}:${n}'`).join(', ');
      throw new SchemaViolation(
        `The element '${parent.local}' in namespace '${NS.t}' has invalid child element '${c.local}' in namespace '${c.ns}'. ` +
        `List of possible elements expected: ${expected}.`, c);
    }
    last = at;
  }
}

export function checkEnum(node: XmlNode, attr: string, type = attr, required = false): string | undefined {
  const value = node.attrs.get(attr);
  if (value === undefined) {
    if (required) throw new SchemaViolation(`The required attribute '${attr}' is missing.`, node);
    return undefined;
  }
  if (!(ENUMS[type] ?? []).includes(value)) {
    throw new SchemaViolation(`The '${attr}' attribute is invalid - The value '${value}' is invalid according to its datatype '${NS.t}:${type}Type' - The Enumeration constraint failed.`, node);
  }
  return value;
}

/** Text-only elements carrying child elements, and elements outside every EWS namespace, anywhere below `node`. */
export function checkMarkup(node: XmlNode): void {
  for (const c of node.children) {
    if (c.ns !== NS.t && c.ns !== NS.m && c.ns !== NS.soap && c.ns !== NS.ad && c.ns !== NS.wsa) {
      throw new SchemaViolation(`The element '${node.local}' has invalid child element '${c.local}'${c.ns ? ` in namespace '${c.ns}'` : ''}.`, c);
    }
    if (TEXT_ONLY.has(node.local) && (node.ns === NS.t || node.ns === NS.m)) {
      throw new SchemaViolation(`The element '${node.local}' in namespace '${node.ns}' cannot contain child element '${c.local}' because the parent element's content model is text only.`, c);
    }
    checkMarkup(c);
  }
}

export function checkMessage(message: XmlNode): void {
  checkOrder(message, MESSAGE_ORDER);
  for (const c of message.children) {
    if (c.local === 'Body') checkEnum(c, 'BodyType', 'BodyType', true);
    if (c.local === 'Importance' && !ENUMS.Importance?.includes(c.text.trim())) throw new SchemaViolation(`The 'Importance' element is invalid - The value '${c.text.trim()}' is invalid.`, c);
    if (/Recipients$|^ReplyTo$/.test(c.local)) c.children.forEach((m) => checkOrder(m, MAILBOX_ORDER));
    if (c.local === 'From' || c.local === 'Sender') c.children.forEach((m) => checkOrder(m, MAILBOX_ORDER));
    if (c.local === 'Attachments') c.children.filter((a) => a.local === 'FileAttachment').forEach(checkFileAttachment);
  }
}

export function checkFileAttachment(attachment: XmlNode): void {
  checkOrder(attachment, FILE_ATTACHMENT_ORDER);
}
