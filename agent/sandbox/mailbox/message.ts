// A message as the client described it: t:Message properties, or MIME plus recipient properties.
export interface Address {
  name?: string;
  email: string;
}

export interface Attachment {
  name: string;
  contentType?: string;
  contentId?: string;
  isInline: boolean;
  content: Buffer;
}

export interface RequestedMessage {
  subject?: string;
  body?: { html: boolean; text: string };
  to: Address[];
  cc: Address[];
  bcc: Address[];
  from?: Address;
  replyTo: Address[];
  importance?: string;
  internetMessageId?: string;
  attachments: Attachment[];
  /** The decoded t:MimeContent, when the client sent MIME. */
  mime?: Buffer;
}
