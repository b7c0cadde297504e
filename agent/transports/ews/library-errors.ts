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
    const details = failure.Response?.ErrorDetails;
    const backoff = Number(details?.get?.('BackOffMilliseconds'));
    const inner = details?.get?.('InnerErrorResponseCode');
    // 'item': an unknown code is as final for verify or wasSent as it was before (a request is not split there).
    return serverCodeError({
      serverCode, scope: 'item', ...(Number.isFinite(backoff) ? { backoffMs: backoff } : {}), ...(typeof inner === 'string' ? { innerCode: inner } : {}),
    }, host);
  }
  return new AgentError(ErrorCodes.ProtocolError, `${host} sent a response the EWS client could not read`, { cause: error });
}
