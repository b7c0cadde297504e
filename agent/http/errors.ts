// Node network and TLS failures as AgentErrors with stable codes. The message names the host only:
// never a credential, never a header.
import { AgentError, ErrorCodes } from '../errors.ts';

/** OpenSSL / Node codes that mean "the server's certificate is not trusted for this name". */
const certificateCodes = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'CERT_UNTRUSTED', 'CERT_REVOKED', 'CERT_SIGNATURE_FAILURE',
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'INVALID_CA', 'PATH_LENGTH_EXCEEDED', 'INVALID_PURPOSE', 'CERT_REJECTED', 'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const connectionCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'ETIMEDOUT']);

export function networkError(err: unknown, host: string): AgentError {
  if (err instanceof AgentError) return err;
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
  if (certificateCodes.has(code)) {
    return new AgentError(ErrorCodes.CertificateRejected, `the certificate of ${host} is not trusted (${code})`, { cause: err });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    return new AgentError(ErrorCodes.HostNotFound, `host ${host} not found (${code})`, { transient: true, cause: err });
  }
  if (connectionCodes.has(code)) {
    return new AgentError(ErrorCodes.ConnectionFailed, `connection to ${host} failed (${code})`, { transient: true, cause: err });
  }
  if (code === 'EPROTO' || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code.startsWith('HPE_')) {
    return new AgentError(ErrorCodes.ProtocolError, `${host} did not speak the expected protocol (${code})`, { cause: err });
  }
  const text = err instanceof Error ? err.message : 'unknown failure';
  if (/socket hang up|aborted/i.test(text)) {
    return new AgentError(ErrorCodes.ConnectionFailed, `connection to ${host} closed early (${code || text})`, { transient: true, cause: err });
  }
  return new AgentError(ErrorCodes.ConnectionFailed, `request to ${host} failed (${code || text})`, { transient: true, cause: err });
}

/** Why a deadline signal fired: our own timeout, or the caller giving up. */
export function abortError(reason: unknown, host: string): AgentError {
  const timedOut = reason instanceof Error && reason.name === 'TimeoutError';
  return timedOut
    ? new AgentError(ErrorCodes.Timeout, `no answer from ${host} within the deadline`, { transient: true, cause: reason })
    : new AgentError(ErrorCodes.Timeout, `request to ${host} was cancelled`, { transient: true, cause: reason });
}
