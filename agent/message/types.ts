// A notification as a sender hands it over (CLI `send` or a later API), before checks and composition.

export interface AttachmentInput {
  /** Path on the sender's disk; only its base name goes into the message. */
  path: string;
  /** Overrides the type guessed from the name. */
  contentType?: string;
}

export interface NotificationInput {
  /** Address lists as typed: "a@x, Ops <b@y>" or already split. */
  to: readonly string[];
  cc?: readonly string[];
  bcc?: readonly string[];
  subject: string;
  body?: string;
  /** true: `body` is HTML. */
  html?: boolean;
  from?: string;
  attachments?: readonly AttachmentInput[];
}

/** One checked address: what goes into the header, and the bare addr-spec for the envelope. */
export interface Address {
  name?: string;
  address: string;
}

export interface CheckedAttachment {
  path: string;
  filename: string;
  contentType: string;
  size: number;
}

/** A checked notification's addresses, subject and Message-ID: what the spool keeps and what a transport is
 *  handed with the MIME (transports/transport.ts OutgoingMessage). */
export interface MessageEnvelope {
  /** Stable per notification; also the MIME Message-ID (with angle brackets). */
  messageId: string;
  /** As parsed addresses (bare addr-spec). */
  from?: string;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
}

/** What is kept of a checked notification besides its MIME: the spool's record (queue/spool-types.ts adds
 *  its id, time and origin), and what a transport that takes properties instead of MIME (MAPI) reads. */
export interface MessageFields extends MessageEnvelope {
  charset: string;
  /** Text and HTML bodies as given, for transports that take properties instead of MIME (MAPI). */
  text?: string;
  html?: string;
  onBehalfOf?: string;
  attachments: { filename: string; contentType: string; size: number }[];
}

/** Where a notification came from, when not `mail-agent send`: the SMTP submission port and its client. */
export interface NotificationSource {
  via: 'smtp';
  /** The client's address and port. */
  client: string;
  /** The user it authenticated as, when it did. */
  user?: string;
}

/** A notification that passed every check: safe to compose and queue. */
export interface CheckedNotification {
  from?: Address;
  /** Set when From is an address other than the default, sent on behalf of it (fromDelegation). */
  onBehalfOf?: string;
  to: Address[];
  cc: Address[];
  bcc: Address[];
  subject: string;
  text: string;
  html?: string;
  charset: string;
  plainText: boolean;
  attachments: CheckedAttachment[];
}
