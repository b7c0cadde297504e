// Graph's answers that are not a success, as AgentErrors (learn.microsoft.com/graph/errors and the mail
// APIs' documented codes). Throttling — 429, 503, 504 — is ServerBusy with the server's Retry-After: the
// worker pauses sends on it. The permission a 403 lacks is named by the caller, who knows the operation.
import { AgentError, ErrorCodes, type ErrorCode } from '../../errors.ts';
import type { HttpResponse } from '../../http/exchange.ts';
import { retryAfterMs } from '../../oauth/retry-after.ts';

export interface GraphAnswer {
  code: string;
  message: string;
}

/** Graph's OData error, or undefined when the body is none (an HTML page, nothing). */
export function graphErrorOf(response: HttpResponse): GraphAnswer | undefined {
  try {
    const body = JSON.parse(response.body.toString('utf8')) as { error?: { code?: unknown; message?: unknown } };
    const code = body.error?.code;
    if (typeof code !== 'string') return undefined;
    const message = typeof body.error?.message === 'string' ? body.error.message : '';
    return { code, message };
  } catch {
    return undefined;
  }
}

/** What the caller was doing and, for a 403, what permission it needs. */
export interface Operation {
  /** e.g. "sendMail", "creating the draft". */
  what: string;
  host: string;
  mailbox: string;
  /** The permissions that allow the operation, the least first (Mail.Send; Mail.ReadWrite; Mail.ReadBasic). */
  permissions: readonly string[];
  /** The application permissions the access token carries (its roles claim). */
  roles?: readonly string[];
}

function permissionError(op: Operation, answer: GraphAnswer | undefined): AgentError {
  const granted = op.permissions.some((p) => op.roles?.includes(p));
  const need = op.permissions[0] ?? 'a mail permission';
  const message = granted
    ? `${op.host} refused ${op.what} for mailbox ${op.mailbox} although the token carries ${need}: the app's RBAC for Applications scope (or an application access policy) does not include this mailbox`
    : `${op.host} refused ${op.what} for mailbox ${op.mailbox}: the app lacks ${need} — grant it as an application permission with admin consent, or assign the RBAC role "Application ${need}" scoped to this mailbox`;
  return new AgentError(ErrorCodes.PermissionMissing, message, { serverCode: answer?.code ?? 'ErrorAccessDenied' });
}

const badRequests: Record<string, ErrorCode> = {
  ErrorInvalidRecipients: ErrorCodes.RecipientRejected,
  ErrorNonExistentMailbox: ErrorCodes.RecipientRejected,
  ErrorMessageSizeExceeded: ErrorCodes.MessageInvalid,
  ErrorMimeContentInvalidBase64String: ErrorCodes.MessageInvalid,
  ErrorMimeContentConversionFailed: ErrorCodes.MessageInvalid,
};

export function answerError(response: HttpResponse, op: Operation): AgentError {
  const { status } = response;
  const answer = graphErrorOf(response);
  const serverCode = answer?.code;
  const said = serverCode ? ` ${serverCode}` : '';
  if (status === 429 || status === 503 || status === 504) {
    return new AgentError(ErrorCodes.ServerBusy, `${op.host} is throttling or busy (HTTP ${status}${said}) during ${op.what}`,
      { transient: true, backoffMs: retryAfterMs(response.headers['retry-after']), ...(serverCode ? { serverCode } : {}) });
  }
  if (status === 401) {
    return new AgentError(ErrorCodes.AuthFailed, `${op.host} refused the access token (HTTP 401${said}) during ${op.what}`, { ...(serverCode ? { serverCode } : {}) });
  }
  if (status === 403 && serverCode === 'ErrorSendAsDenied') {
    return new AgentError(ErrorCodes.SendAsDenied, `${op.host}: mailbox ${op.mailbox} may not send as this From address (ErrorSendAsDenied): grant it Send As or Send on Behalf`, { serverCode });
  }
  if (status === 403) return permissionError(op, answer);
  if (status === 404 && (serverCode === 'ErrorInvalidUser' || serverCode === 'MailboxNotEnabledForRESTAPI' || serverCode === 'ResourceNotFound')) {
    return new AgentError(ErrorCodes.MailboxNotFound, `${op.host} knows no mailbox ${op.mailbox} in this tenant (${serverCode})`, { serverCode });
  }
  if (status === 413) {
    return new AgentError(ErrorCodes.MessageInvalid, `${op.host} refused ${op.what}: the request is too large (HTTP 413${said})`, { ...(serverCode ? { serverCode } : {}) });
  }
  if (status >= 500) {
    return new AgentError(ErrorCodes.ServerError, `${op.host} failed during ${op.what} (HTTP ${status}${said})`, { transient: true, ...(serverCode ? { serverCode } : {}) });
  }
  const known = serverCode === undefined ? undefined : badRequests[serverCode];
  const code = known ?? (status === 400 ? ErrorCodes.MessageInvalid : ErrorCodes.ProtocolError);
  return new AgentError(code, `${op.host} refused ${op.what} (HTTP ${status}${said})`, { ...(serverCode ? { serverCode } : {}) });
}
