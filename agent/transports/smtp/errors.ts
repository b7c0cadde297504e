// nodemailer's SMTP client errors as AgentErrors. A server reply decides by its class: 4xx transient, 5xx
// permanent, and by its enhanced code what it means (Exchange's: 5.7.3 / 5.7.8 wrong credentials, 5.7.139
// and 5.7.30 SMTP AUTH or basic auth turned off, 5.7.57 / 5.7.0 authentication required, 5.7.60 and
// "send as" 5.7.1 the sender refused, 5.7.54 / 5.7.64 / "relay" 5.7.1 relaying refused, 5.3.4 / 5.2.3 too
// large, 5.1.x a recipient). Without a reply it is the network's (or TLS's) failure, and after the final
// "." of a message nobody can tell whether the server took it.
import { AgentError, ErrorCodes, type ErrorCode } from '../../errors.ts';
import { abortError, networkError } from '../../http/errors.ts';

/** What nodemailer's SMTPConnection attaches to its errors. */
export interface SmtpClientError extends Error {
  code?: string;
  /** nodemailer's: GREETING_TIMEOUT when the server never said 220 (not an SMTP port?). */
  timeoutType?: string;
  originalCode?: string;
  response?: string;
  responseCode?: number;
  command?: string;
}

/** Where the failure happened: before the message was handed over, or after its final "." went out. */
export type SmtpStage = 'session' | 'envelope' | 'after-data';

interface Meaning { code: ErrorCode; what: string }

function replyMeaning(reply: number, enhanced: string, text: string): Meaning {
  if (enhanced === '5.7.139' || enhanced === '5.7.30') {
    return { code: ErrorCodes.SmtpAuthDisabled, what: 'SMTP AUTH (or basic authentication with it) is turned off for this mailbox or the organization (Exchange Online: Set-CASMailbox -SmtpClientAuthenticationDisabled $false)' };
  }
  if (reply === 535 || reply === 534 || reply === 454 || enhanced === '5.7.3' || enhanced === '5.7.8') {
    return { code: ErrorCodes.AuthFailed, what: 'the server refused the user name or password' };
  }
  if (reply === 530 || enhanced === '5.7.57') return { code: ErrorCodes.AuthRequired, what: 'the server requires authentication (auth: login), or STARTTLS first' };
  if (enhanced === '5.7.60' || /send(ing)? as|permissions? to send/i.test(text)) {
    return { code: ErrorCodes.SendAsDenied, what: 'the account may not send as this sender (Send As)' };
  }
  if (enhanced === '5.7.54' || enhanced === '5.7.64' || /relay/i.test(text) || (reply === 554 && enhanced === '5.7.1')) {
    return { code: ErrorCodes.RelayDenied, what: 'the server does not relay for this client to this recipient' };
  }
  if (reply === 552 || enhanced === '5.3.4' || enhanced === '5.2.3') return { code: ErrorCodes.MessageTooLarge, what: 'the message is larger than the server accepts' };
  if (enhanced.startsWith('5.1.') || reply === 553) return { code: ErrorCodes.RecipientRejected, what: 'the server refused an address' };
  if (reply >= 400 && reply < 500) return { code: ErrorCodes.ServerBusy, what: 'the server asked to try again later' };
  return { code: ErrorCodes.ServerError, what: 'the server refused' };
}

/** The server's reply as one short line (it may be multi-line; it never holds our secrets). */
function replyLine(response: string): string {
  const line = response.replace(/\r?\n\d{3}[ -]/g, ' ').replace(/[\r\n]+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

export function smtpError(err: unknown, host: string, stage: SmtpStage, signal?: AbortSignal): AgentError {
  if (err instanceof AgentError) return err;
  if (signal?.aborted) return unknownIfAfterData(abortError(signal.reason, host), stage);
  const e = (err ?? {}) as SmtpClientError;
  const response = typeof e.response === 'string' ? e.response : '';
  const reply = e.responseCode ?? (Number(/^(\d{3})[ -]/.exec(response)?.[1]) || 0);
  if ((e.code === 'ETLS' && !e.originalCode) || (e.command === 'STARTTLS' && reply >= 400)) {
    return new AgentError(ErrorCodes.ProtocolError, `${host} did not start TLS (security: starttls needs the server to offer STARTTLS; use tls for port 465)${response ? `: "${replyLine(response)}"` : ''}`, { cause: err });
  }
  if (reply >= 400) {
    const enhanced = /^\d{3}[ -](\d\.\d{1,3}\.\d{1,3})/.exec(response)?.[1] ?? '';
    const meaning = replyMeaning(reply, enhanced, response);
    const serverCode = enhanced ? `${reply} ${enhanced}` : String(reply);
    return new AgentError(meaning.code, `${meaning.what}: ${host} answered ${e.command ? `${e.command} with ` : ''}"${replyLine(response)}"`,
      { transient: reply < 500, serverCode, cause: err });
  }
  if (e.code === 'EAUTH') {
    return new AgentError(ErrorCodes.AuthFailed, `${host} offers no way to authenticate that works here (${e.message.replace(/[\r\n]+/g, ' ')}); AUTH may be offered only after STARTTLS`, { cause: err });
  }
  if (e.code === 'EMESSAGE') {
    // nodemailer compares the size with the server's SIZE before sending (or the message is empty).
    return new AgentError(ErrorCodes.MessageTooLarge, `the message is larger than ${host} accepts (${e.message.replace(/[\r\n]+/g, ' ')})`, { cause: err });
  }
  if (e.code === 'EDNS') return new AgentError(ErrorCodes.HostNotFound, `host ${host} not found`, { transient: true, cause: err });
  if (e.timeoutType === 'GREETING_TIMEOUT') {
    return new AgentError(ErrorCodes.Timeout, `${host} accepted the connection but sent no SMTP greeting: is the port an SMTP port (587 with starttls, 465 with tls)?`, { transient: true, cause: err });
  }
  if (e.code === 'ETIMEDOUT' && !e.originalCode) return unknownIfAfterData(new AgentError(ErrorCodes.Timeout, `no answer from ${host} in time`, { transient: true, cause: err }), stage);
  const network = networkError({ code: e.originalCode ?? '', message: e.message }, host);
  return unknownIfAfterData(network, stage);
}

/** After the final ".", a lost connection or a timeout leaves the outcome unknown: say so, and that it is sent again. */
function unknownIfAfterData(error: AgentError, stage: SmtpStage): AgentError {
  if (stage !== 'after-data' || !error.transient) return error;
  return new AgentError(error.code, `${error.message}, after the whole message was sent: SMTP cannot tell whether the server took it; it is sent again (at least once)`,
    { transient: true, cause: error });
}
