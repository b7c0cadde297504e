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

/** The helper died or hung before it could report an outcome. */
export function helperLostError(detail: string, transient: boolean, serverCode?: string): AgentError {
  return new AgentError(ErrorCodes.HelperFailed, detail, { transient, serverCode });
}
