// EWS response codes (from a SOAP fault or a ResponseClass="Error" message) → AgentError. Every answer
// Microsoft lists as throttling ("EWS throttling in Exchange": ErrorServerBusy, ErrorExceededConnectionCount;
// and ErrorTooManyObjectsOpened, ErrorInternalServerTransientError, an ErrorInternalServerError wrapping a
// busy code) is ServerBusy: the delivery worker and the transport pause all sends on it.
import { AgentError, ErrorCodes, type ErrorCode } from '../../errors.ts';
import type { OutgoingMessage } from '../transport.ts';
import type { ItemOutcome } from './response-messages.ts';

const mapping: Record<string, { code: ErrorCode; transient: boolean }> = {
  ErrorServerBusy: { code: ErrorCodes.ServerBusy, transient: true },
  ErrorExceededConnectionCount: { code: ErrorCodes.ServerBusy, transient: true },
  ErrorTooManyObjectsOpened: { code: ErrorCodes.ServerBusy, transient: true },
  ErrorInternalServerTransientError: { code: ErrorCodes.ServerBusy, transient: true },
  // Items the server did not get to (after a slow or failing item): not processed, so sent again.
  ErrorBatchProcessingStopped: { code: ErrorCodes.ServerBusy, transient: true },
  ErrorTimeoutExpired: { code: ErrorCodes.Timeout, transient: true },
  ErrorMailboxStoreUnavailable: { code: ErrorCodes.ServerUnavailable, transient: true },
  ErrorConnectionFailed: { code: ErrorCodes.ServerUnavailable, transient: true },
  ErrorInvalidServerVersion: { code: ErrorCodes.InvalidServerVersion, transient: false },
  ErrorIncorrectSchemaVersion: { code: ErrorCodes.InvalidServerVersion, transient: false },
  // The mailbox is on an older server than the one answering: the version steps down as for the above.
  ErrorInvalidSchemaVersionForMailboxVersion: { code: ErrorCodes.InvalidServerVersion, transient: false },
  ErrorSendAsDenied: { code: ErrorCodes.SendAsDenied, transient: false },
  ErrorAccessDenied: { code: ErrorCodes.AuthFailed, transient: false },
  ErrorNonExistentMailbox: { code: ErrorCodes.RecipientRejected, transient: false },
  ErrorInvalidRecipients: { code: ErrorCodes.RecipientRejected, transient: false },
  ErrorInvalidSmtpAddress: { code: ErrorCodes.RecipientRejected, transient: false },
  ErrorMessageSizeExceeded: { code: ErrorCodes.MessageTooLarge, transient: false },
  ErrorSchemaValidation: { code: ErrorCodes.MessageInvalid, transient: false },
  ErrorInvalidRequest: { code: ErrorCodes.MessageInvalid, transient: false },
  ErrorQuotaExceeded: { code: ErrorCodes.ServerError, transient: true },
};

/** Busy codes an ErrorInternalServerError may wrap (m:MessageXml InnerErrorResponseCode). */
const WRAPPED_BUSY: ReadonlySet<string> = new Set(['ErrorServerBusy', 'ErrorExceededConnectionCount', 'ErrorTooManyObjectsOpened', 'ErrorInternalServerTransientError']);

export interface ServerAnswer {
  serverCode: string;
  backoffMs?: number;
  /** InnerErrorResponseCode, when the answer is an ErrorInternalServerError wrapping another code. */
  innerCode?: string;
  /**
   * 'item': one message's own answer (an unknown code is that message's permanent failure); 'request': the
   * request refused as a whole (an unknown code says nothing about its items: transient).
   */
  scope: 'item' | 'request';
}

export function serverCodeError(answer: ServerAnswer, host: string): AgentError {
  const { serverCode, backoffMs, innerCode, scope } = answer;
  if (serverCode === 'ErrorInternalServerError' && innerCode !== undefined && WRAPPED_BUSY.has(innerCode)) {
    return new AgentError(ErrorCodes.ServerBusy, `${host} answered ${serverCode} (${innerCode} inside)`, { transient: true, serverCode: innerCode, backoffMs });
  }
  const known = mapping[serverCode] ?? { code: ErrorCodes.ServerError, transient: scope === 'request' || serverCode === 'ErrorInternalServerError' };
  return new AgentError(known.code, `${host} answered ${serverCode}`, { transient: known.transient, serverCode, backoffMs });
}

/** One message's refusal in a CreateItem answer; a size refusal names the message's size and what to do. */
export function itemError(outcome: ItemOutcome & { serverCode: string }, message: OutgoingMessage, host: string): AgentError {
  const error = serverCodeError({ ...outcome, scope: 'item' }, host);
  if (error.code !== ErrorCodes.MessageTooLarge) return error;
  const mb = (message.mime.length / (1024 * 1024)).toFixed(1);
  return new AgentError(ErrorCodes.MessageTooLarge,
    `the message is ${mb} MB (${message.mime.length} bytes as MIME): ${host} refused it as over its size limit (ErrorMessageSizeExceeded); keep message.attachmentLimitMB well under the server's limit`,
    { serverCode: outcome.serverCode });
}
