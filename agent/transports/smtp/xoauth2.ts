// SMTP AUTH XOAUTH2 with an app-only token from agent/oauth (Exchange Online's SMTP.SendAsApp: user= is the
// mailbox the app sends as). The token source holds the token and refreshes it before it expires; its
// refusals (the identity platform's AADSTS errors) come before any AUTH and pass through untouched. Exchange
// Online answers every token it will not take — expired, revoked, without the permission, for a mailbox the
// app may not use — with the same "535 5.7.3 Authentication unsuccessful", so a 535 gets one new token and one
// more AUTH, as the HTTP client does on a 401 invalid_token; refused again, it is the app's permissions that
// are missing, and the error says which from the roles the token carries.
import XOAuth2 from 'nodemailer/lib/xoauth2';
import { AgentError, ErrorCodes } from '../../errors.ts';
import { tokenRoles } from '../../oauth/jwt.ts';
import type { AccessToken, TokenSource } from '../../types/token-source.ts';

export const SEND_AS_APP = 'SMTP.SendAsApp';

/** One AUTH XOAUTH2 exchange with the given nodemailer token generator (the session's login step). */
export type LoginStep = (oauth2: XOAuth2) => Promise<void>;

/** A 535 reply to AUTH: the server refused the token (Exchange says no more than that). */
function refusedToken(err: unknown): err is AgentError {
  return err instanceof AgentError && err.code === ErrorCodes.AuthFailed && (err.serverCode ?? '').startsWith('535');
}

/** Refused with a fresh token too: what the app lacks, judged by the roles its token carries. */
function permissionError(refused: AgentError, username: string, token: AccessToken): AgentError {
  // errors.ts words it "<what>: <host> answered <command> with "<reply>"": the reply is what is worth keeping.
  const answered = /: (\S+ answered .*)$/s.exec(refused.message)?.[1] ?? refused.message;
  const message = tokenRoles(token.value).includes(SEND_AS_APP)
    ? `the server refused XOAUTH2 for mailbox ${username} although the app's token carries ${SEND_AS_APP}: in Exchange Online, register the app's service principal (New-ServicePrincipal) and give it access to this mailbox (Add-MailboxPermission -AccessRights FullAccess); username must be that mailbox's address`
    : `the server refused XOAUTH2 for mailbox ${username}: the app's token carries no ${SEND_AS_APP} — add the application permission ${SEND_AS_APP} (Office 365 Exchange Online) to the app registration and grant admin consent`;
  return new AgentError(ErrorCodes.PermissionMissing, `${message} (${answered})`, { ...(refused.serverCode ? { serverCode: refused.serverCode } : {}), cause: refused });
}

/**
 * Authenticates with a token of `tokens`, and after a 535 once more with a new one. Returns the token the
 * server accepted (its expiry bounds how long the session is kept).
 */
export async function loginXoauth2(username: string, tokens: TokenSource, login: LoginStep, canRetry: () => boolean, signal?: AbortSignal): Promise<AccessToken> {
  let current = await tokens.token(signal);
  // provisionCallback: nodemailer asks again (renew) when a server answers a refused token with a 334 challenge
  // first (Google's style); it gets the same token, is refused, and the retry below brings the new one.
  const attempt = () => login(new XOAuth2({
    user: username,
    provisionCallback: (_user, _renew, callback) => { callback(null, current.value, current.expiresAt.getTime()); },
  }));
  try {
    await attempt();
    return current;
  } catch (err) {
    if (!refusedToken(err)) throw err;
    tokens.invalidate(current.value);
    // The server hung up after refusing: the next session starts with a new token.
    if (!canRetry()) throw err;
  }
  current = await tokens.token(signal);
  try {
    await attempt();
    return current;
  } catch (err) {
    throw refusedToken(err) ? permissionError(err, username, current) : err;
  }
}
