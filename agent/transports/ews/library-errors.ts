// ews-javascript-api rejects with its own Exception classes (not Errors) or SoapFaultDetails objects.
// Turned into AgentErrors here; failures the HTTP adapter already judged arrive as AgentErrors.
import { ServiceError } from 'ews-javascript-api';
import { AgentError, ErrorCodes } from '../../errors.ts';
import { serverCodeError } from './server-codes.ts';

interface LibraryFailure {
  ErrorCode?: unknown;
  errorCode?: unknown;
  Response?: { ErrorDetails?: { get?(key: string): unknown } };
  message?: unknown;
  Message?: unknown;
}

export function normalizeLibraryError(error: unknown, host: string): AgentError {
  if (error instanceof AgentError) return error;
  const failure = (typeof error === 'object' && error !== null ? error : {}) as LibraryFailure;
  const numeric = typeof failure.ErrorCode === 'number' ? failure.ErrorCode : typeof failure.errorCode === 'number' ? failure.errorCode : undefined;
  const serverCode = numeric === undefined ? undefined : ServiceError[numeric];
  if (serverCode !== undefined && serverCode !== 'NoError') {
    const backoff = Number(failure.Response?.ErrorDetails?.get?.('BackOffMilliseconds'));
    return serverCodeError(serverCode, host, Number.isFinite(backoff) ? backoff : undefined);
  }
  return new AgentError(ErrorCodes.ProtocolError, `${host} sent a response the EWS client could not read`, { cause: error });
}
