// The helper's failures as AgentErrors. Messages name the MAPI call and HRESULT, never a settings value.
import { AgentError, ErrorCodes, type ErrorCode } from '../../errors.ts';
import type { HelperErrorBody } from './protocol.ts';

interface Mapping { code: ErrorCode; transient: boolean }

const byHelperCode: Record<string, Mapping> = {
  ProfileNotFound: { code: ErrorCodes.ProfileNotFound, transient: false },
  BitnessMismatch: { code: ErrorCodes.PlatformUnsupported, transient: false },
  MapiUnavailable: { code: ErrorCodes.PlatformUnsupported, transient: false },
  MAPI_E_NOT_INITIALIZED: { code: ErrorCodes.PlatformUnsupported, transient: false },
  MAPI_E_LOGON_FAILED: { code: ErrorCodes.AuthFailed, transient: false },
  MAPI_E_NO_ACCESS: { code: ErrorCodes.AuthFailed, transient: false },
  MAPI_E_PASSWORD_CHANGE_REQUIRED: { code: ErrorCodes.AuthFailed, transient: false },
  MAPI_E_PASSWORD_EXPIRED: { code: ErrorCodes.AuthFailed, transient: false },
  MAPI_E_ACCOUNT_DISABLED: { code: ErrorCodes.AuthFailed, transient: false },
  MAPI_E_INVALID_WORKSTATION_ACCOUNT: { code: ErrorCodes.AuthFailed, transient: false },
  MAPI_E_INVALID_ACCESS_TIME: { code: ErrorCodes.AuthFailed, transient: true },
  MAPI_E_UNCONFIGURED: { code: ErrorCodes.ProfileNotFound, transient: false },
  MAPI_E_NETWORK_ERROR: { code: ErrorCodes.ServerUnavailable, transient: true },
  MAPI_E_TIMEOUT: { code: ErrorCodes.Timeout, transient: true },
  MAPI_E_END_OF_SESSION: { code: ErrorCodes.ServerUnavailable, transient: true },
  MAPI_E_FAILONEPROVIDER: { code: ErrorCodes.ServerUnavailable, transient: true },
  MAPI_E_DISK_ERROR: { code: ErrorCodes.ServerError, transient: true },
  MAPI_E_NOT_ENOUGH_MEMORY: { code: ErrorCodes.ServerError, transient: true },
  MAPI_E_SESSION_LIMIT: { code: ErrorCodes.ServerBusy, transient: true },
  MAPI_E_NO_RECIPIENTS: { code: ErrorCodes.RecipientRejected, transient: false },
  MAPI_E_AMBIGUOUS_RECIP: { code: ErrorCodes.RecipientRejected, transient: false },
  RecipientUnresolved: { code: ErrorCodes.RecipientRejected, transient: false },
  BadRequest: { code: ErrorCodes.Internal, transient: false },
};

export function helperErrorToAgentError(body: HelperErrorBody): AgentError {
  const mapping = byHelperCode[body.code] ?? { code: ErrorCodes.ServerError, transient: false };
  const hr = body.hresult ? ` (${body.hresultName ?? body.code} ${body.hresult})` : '';
  return new AgentError(mapping.code, `MAPI ${body.step}: ${body.message}${body.message.includes(body.hresult ?? '\0') ? '' : hr}`, {
    transient: mapping.transient,
    serverCode: body.hresultName ?? body.code,
  });
}

/** Logon failures that mean the profile's sign-in, not the profile, is the trouble. */
const signInFailures: ReadonlySet<string> = new Set(['MAPI_E_LOGON_FAILED', 'MAPI_E_FAILONEPROVIDER', 'MAPI_E_USER_CANCEL', 'MAPI_E_NO_ACCESS']);

export function isSignInFailure(err: AgentError): boolean {
  return err.code === ErrorCodes.AuthFailed && signInFailures.has(err.serverCode ?? '');
}

/**
 * A logon refused after this transport had sent through the profile: its saved sign-in has expired, as the
 * modern-authentication tokens of an Exchange Online profile do when no one opens Outlook to renew them.
 * Transient: notifications wait in the queue until someone signs in again.
 */
export function signInExpiredError(profile: string, goodSends: number, cause: AgentError): AgentError {
  return new AgentError(ErrorCodes.AuthExpired,
    `MAPI logon to profile ${profile} failed after ${goodSends} notification(s) went through it (${cause.serverCode ?? cause.code}): ` +
    'its saved sign-in has expired (Exchange Online\'s modern-authentication tokens do, and a service cannot renew them). ' +
    'Log on to this machine as the account the agent runs as, start Outlook with this profile and sign in, then run ' +
    '`mail-agent test`; queued notifications wait meanwhile', { transient: true, serverCode: cause.serverCode, cause });
}

/** A first logon refused: AuthFailed, with what to check when the profile worked before (a sign-in that expired). */
export function signInRefusedError(cause: AgentError): AgentError {
  return new AgentError(ErrorCodes.AuthFailed, `${cause.message}; the profile's saved sign-in was refused — if it worked before, ` +
    'it may have expired: start Outlook with this profile as the account the agent runs as and sign in',
  { transient: cause.transient, serverCode: cause.serverCode, cause });
}

/** Submitted, but the Outbox still holds it: not delivered, and not to be sent again (it leaves later). */
export function stuckInOutboxError(profile: string, store: string, waitedMs = 0): AgentError {
  const why = store === 'cached'
    ? 'the profile\'s store is the cached copy (Cached Exchange Mode, MDB_ONLINE refused), whose Outbox only Outlook\'s synchronization empties'
    : 'the server has not taken it';
  return new AgentError(ErrorCodes.StuckInOutbox,
    `MAPI: the message was submitted but is still in the Outbox of profile ${profile}${waitedMs > 0 ? ` after ${waitedMs < 1000 ? `${waitedMs} ms` : `${Math.round(waitedMs / 1000)} s`}` : ''}: ${why}. ` +
    'It is not counted as sent, and not sent again: a queued notification is looked for in Sent Items before any retry', { transient: true, serverCode: 'StuckInOutbox' });
}

/** The helper died or hung before it could report an outcome. */
export function helperLostError(detail: string, transient: boolean, serverCode?: string): AgentError {
  return new AgentError(ErrorCodes.HelperFailed, detail, { transient, serverCode });
}
