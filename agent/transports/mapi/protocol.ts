// The JSON-lines protocol of native/mapi-helper (see native/mapi-helper/main.cpp).

export type HelperCommand = 'hello' | 'profiles' | 'logon' | 'send' | 'find' | 'logoff';

export interface HelperRequest {
  cmd: HelperCommand;
  [field: string]: unknown;
}

/** A failure the helper reports: a stable code, the MAPI call that failed and its HRESULT. */
export interface HelperErrorBody {
  code: string;
  step: string;
  message: string;
  hresult?: string;
  hresultName?: string;
}

export type HelperLine =
  | { id: number; ok: true; result: Record<string, unknown> }
  | { id: number; ok: false; error: HelperErrorBody }
  | { id: number; event: string };

export interface HelloResult {
  helper: string;
  version: string;
  bits: number;
  serviceMode: boolean;
  provider: { registered: boolean; client?: string; dll?: string; bits?: number; machine?: string; problem?: string };
}

export interface ProfileRow {
  name: string;
  default: boolean;
}

/** What `send` takes: strings as UTF-8, the HTML as base64 bytes in the message's charset. */
export interface SendRequest extends HelperRequest {
  cmd: 'send';
  messageId: string;
  subject: string;
  to: string[];
  cc: string[];
  bcc: string[];
  text?: string;
  html?: string;
  cpid: number;
  onBehalfOf?: string;
  saveCopy: boolean;
  attachments: { filename: string; contentType: string; data: string }[];
  /** How long the helper waits, after SubmitMessage, for the message to leave the Outbox. */
  outboxWaitMs?: number;
}

/** `send`'s answer: submitted, and whether the message left the Outbox within outboxWaitMs. */
export interface SendResult {
  submitted: boolean;
  savedCopy: boolean;
  store: 'online' | 'cached';
  /** null: the request had no messageId to look for. */
  leftOutbox: boolean | null;
}

/** `find`'s answer: "sent" (in Sent Items), "outbox" (submitted, not transported yet) or null (neither). */
export type FoundIn = 'sent' | 'outbox' | null;

export function parseHelperLine(line: string): HelperLine | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || typeof (value as { id?: unknown }).id !== 'number') return undefined;
  return value as HelperLine;
}
