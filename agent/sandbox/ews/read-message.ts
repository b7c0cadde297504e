// t:Message (already schema-checked) → RequestedMessage.
import { NS } from '../xml/namespaces.ts';
import { child, childrenNamed, textOf, type XmlNode } from '../xml/parse.ts';
import type { Address, Attachment, RequestedMessage } from '../mailbox/message.ts';

function mailbox(node: XmlNode): Address | undefined {
  const email = textOf(child(node, NS.t, 'EmailAddress'));
  if (!email) return undefined;
  const name = textOf(child(node, NS.t, 'Name'));
  return name ? { name, email } : { email };
}

function recipients(message: XmlNode, local: string): Address[] {
  return childrenNamed(child(message, NS.t, local), NS.t, 'Mailbox').map(mailbox).filter((a): a is Address => a !== undefined);
}

export function readAttachment(a: XmlNode): Attachment {
  return {
    name: textOf(child(a, NS.t, 'Name')) ?? 'attachment',
    contentType: textOf(child(a, NS.t, 'ContentType')) || undefined,
    contentId: textOf(child(a, NS.t, 'ContentId')) || undefined,
    isInline: textOf(child(a, NS.t, 'IsInline')) === 'true',
    content: Buffer.from(textOf(child(a, NS.t, 'Content')) ?? '', 'base64'),
  };
}

function attachments(message: XmlNode): Attachment[] {
  return childrenNamed(child(message, NS.t, 'Attachments'), NS.t, 'FileAttachment').map(readAttachment);
}

export function readMessage(message: XmlNode): RequestedMessage {
  const body = child(message, NS.t, 'Body');
  const from = child(child(message, NS.t, 'From'), NS.t, 'Mailbox');
  const mime = child(message, NS.t, 'MimeContent');
  return {
    subject: child(message, NS.t, 'Subject')?.text,
    body: body ? { html: body.attrs.get('BodyType') === 'HTML', text: body.text } : undefined,
    to: recipients(message, 'ToRecipients'),
    cc: recipients(message, 'CcRecipients'),
    bcc: recipients(message, 'BccRecipients'),
    replyTo: recipients(message, 'ReplyTo'),
    from: from ? mailbox(from) : undefined,
    importance: textOf(child(message, NS.t, 'Importance')),
    internetMessageId: textOf(child(message, NS.t, 'InternetMessageId')),
    attachments: attachments(message),
    mime: mime ? Buffer.from(mime.text, 'base64') : undefined,
  };
}
