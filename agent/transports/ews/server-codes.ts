// EWS response codes (from a SOAP fault or a ResponseClass="Error" message) → AgentError.
import { AgentError, ErrorCodes, type ErrorCode } from '../../errors.ts';

const mapping: Record<string, { code: ErrorCode; transient: boolean }> = {
  ErrorServerBusy: { code: ErrorCodes.ServerBusy, transient: true },
  ErrorTimeoutExpired: { code: ErrorCodes.Timeout, transient: true },
  ErrorInternalServerTransientError: { code: ErrorCodes.ServerError, transient: true },
  ErrorMailboxStoreUnavailable: { code: ErrorCodes.ServerUnavailable, transient: true },
  ErrorConnectionFailed: { code: ErrorCodes.ServerUnavailable, transient: true },
  ErrorInvalidServerVersion: { code: ErrorCodes.InvalidServerVersion, transient: false },
  ErrorIncorrectSchemaVersion: { code: ErrorCodes.InvalidServerVersion, transient: false },
  ErrorSendAsDenied: { code: ErrorCodes.SendAsDenied, transient: false },
  ErrorAccessDenied: { code: ErrorCodes.AuthFailed, transient: false },
  ErrorNonExistentMailbox: { code: ErrorCodes.RecipientRejected, transient: false },
  ErrorInvalidRecipients: { code: ErrorCodes.RecipientRejected, transient: false },
  ErrorInvalidSmtpAddress: { code: ErrorCodes.RecipientRejected, transient: false },
  ErrorMessageSizeExceeded: { code: ErrorCodes.MessageInvalid, transient: false },
  ErrorQuotaExceeded: { code: ErrorCodes.ServerError, transient: true },
};

export function serverCodeError(serverCode: string, host: string, backoffMs?: number): AgentError {
  const known = mapping[serverCode] ?? { code: ErrorCodes.ServerError, transient: false };
  return new AgentError(known.code, `${host} answered ${serverCode}`, { transient: known.transient, serverCode, backoffMs });
}
