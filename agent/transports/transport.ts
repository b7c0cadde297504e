// The contract every transport implements (nodemailer's shape: verify, send, close).
// A transport receives a message already composed as MIME (agent/message) and delivers it.
import type { MessageEnvelope } from '../message/types.ts';
import type { TransportInfo } from '../types/transport-info.ts';

export type { TransportInfo };

export interface OutgoingMessage extends MessageEnvelope {
  /** The complete RFC 5322 message, with headers, in its charset's bytes. */
  mime: Buffer;
  /** Attachments described for transports that cannot take raw MIME (MAPI). */
  parts?: MessageParts;
}

export interface MessageParts {
  charset: string;
  text?: string;
  html?: string;
  attachments: { filename: string; contentType: string; content: Buffer }[];
  /** Set when sending on behalf of another address. */
  onBehalfOf?: string;
}


export interface SendResult {
  /** The server's id for the sent item, when it gives one. */
  itemId?: string;
  messageId: string;
}

export interface Transport {
  /** One cheap authenticated call proving endpoint, certificate, credentials and version. */
  verify(signal?: AbortSignal): Promise<TransportInfo>;
  send(message: OutgoingMessage, signal?: AbortSignal): Promise<SendResult>;
  /**
   * Sends worth having in flight at once: the delivery worker claims no more than this (default: its own
   * limit). A transport that sends one message at a time says so, so that notifications do not wait out
   * their deadline queued behind hundreds of others.
   */
  readonly sendConcurrency?: number;
  /** App-only OAuth: when the access token held now expires (the status file shows it; never the token). */
  tokenExpiresAt?(): Date | undefined;
  /**
   * What the transport knows of the server now, when that can change after verify (EWS: the version found
   * again after the mailbox moved to an older server); undefined before it has connected.
   */
  currentInfo?(): TransportInfo | undefined;
  /** True when the server holds a copy with this Message-ID (Sent Items); undefined when it cannot tell. */
  wasSent?(messageId: string, signal?: AbortSignal): Promise<boolean | undefined>;
  /**
   * How long after a send its message may still be on its way to where wasSent looks: a "no" sooner than
   * this after the attempt is not final (the worker looks again once it has passed). Default 0.
   */
  readonly wasSentWindowMs?: number;
  close(): Promise<void>;
}
