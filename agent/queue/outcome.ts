// How a failed attempt is classified: transient (retry later) or permanent (failed with the server's
// reason), and whether the message may have reached the server anyway (then wasSent is asked first).
import { AgentError, ErrorCodes, toAgentError } from '../errors.ts';

/** Errors after which the request may have been processed although no answer came back (StuckInOutbox:
 *  it was, and leaves the Outbox later: wasSent decides, never a blind second send). */
const MAYBE_SENT: ReadonlySet<string> = new Set([ErrorCodes.Timeout, ErrorCodes.ConnectionFailed, ErrorCodes.ProtocolError, ErrorCodes.StuckInOutbox]);

/** The transport's own trouble (credentials, trust, where the server is), not the message's: the
 *  notification waits for the settings or the server to be fixed instead of failing for good. */
const TRANSPORT_TROUBLE: ReadonlySet<string> = new Set([
  ErrorCodes.AuthFailed, ErrorCodes.CertificateRejected, ErrorCodes.HostNotFound, ErrorCodes.AutodiscoverFailed,
  ErrorCodes.InvalidServerVersion, ErrorCodes.ProfileNotFound, ErrorCodes.HelperFailed,
  ErrorCodes.SmtpAuthDisabled, ErrorCodes.AuthRequired,
  // app-only OAuth: the app registration, its credential or its permissions need fixing
  ErrorCodes.TenantNotFound, ErrorCodes.ApplicationNotFound, ErrorCodes.ApplicationDisabled, ErrorCodes.ClientSecretInvalid,
  ErrorCodes.ClientSecretExpired, ErrorCodes.ClientCertificateRejected, ErrorCodes.ConsentMissing, ErrorCodes.PermissionMissing,
  ErrorCodes.MailboxNotFound,
]);

export interface Classified {
  error: AgentError;
  transient: boolean;
  maybeSent: boolean;
}

export function classifyFailure(thrown: unknown): Classified {
  // Anything not normalized by the transport is retried: a bug must not drop notifications for good.
  if (!(thrown instanceof AgentError)) {
    return { error: toAgentError(thrown), transient: true, maybeSent: true };
  }
  if (TRANSPORT_TROUBLE.has(thrown.code)) return { error: thrown, transient: true, maybeSent: false };
  return { error: thrown, transient: thrown.transient, maybeSent: thrown.transient && MAYBE_SENT.has(thrown.code) };
}
