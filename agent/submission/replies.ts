// What the submission port answers when a check refuses a message, or it cannot be queued: the same
// reasons `mail-agent send` prints, as SMTP replies with enhanced codes (RFC 3463), and always "nothing
// queued" when it was refused, so the client knows to keep (or drop) its copy.
import { AgentError, ErrorCodes } from '../errors.ts';
import { smtpReply } from '../smtp/replies.ts';

export const notLive = smtpReply(451, '4.3.2 mail-agent has no live settings yet (the transport is not verified); try again later');

/** A refusal from the checks or the spool, as the reply the client gets. */
export function refusal(err: unknown): Error & { responseCode: number } {
  const error = err instanceof AgentError ? err : undefined;
  const reason = (error?.message ?? 'local error in processing').replace(/[\r\n]+/g, ' ');
  switch (error?.code) {
    case ErrorCodes.FromNotAllowed: return smtpReply(550, `5.7.1 ${reason}; nothing queued`);
    case ErrorCodes.AttachmentLimitExceeded: return smtpReply(552, `5.3.4 ${reason}; nothing queued`);
    case ErrorCodes.CharsetUnencodable: return smtpReply(554, `5.6.0 ${reason}; nothing queued`);
    case ErrorCodes.MessageInvalid: return smtpReply(554, `5.6.0 ${reason}; nothing queued`);
    case ErrorCodes.DiskFull: return smtpReply(452, '4.3.1 insufficient system storage in the agent\'s state dir; nothing queued, try again later');
    default: return smtpReply(451, '4.3.0 local error in processing; nothing queued, try again later');
  }
}
