// What Exchange answers on its SMTP submission port, as the sandbox says it. Sources: Microsoft's
// Microsoft.Exchange.Data.Transport.Smtp.SmtpResponse fields (MessageTooLarge "552 5.3.4 Message size exceeds
// fixed maximum message size", SendAsDenied, BadCommandSequence "503 5.5.1"), [MS-SMTPNTLM] 2.2.1.4
// ("535 5.7.3" for a wrong user name or password), Microsoft's guidance for SMTP AUTH client submission
// to Exchange Online (5.7.57, 5.7.139, 5.7.60) and session logs of smtp.office365.com (the greeting,
// "220 2.0.0 SMTP server ready" after STARTTLS, "235 2.7.0 Authentication successful", "250 2.1.0 Sender OK",
// "AUTH LOGIN XOAUTH2" offered only after STARTTLS, "530 5.7.57 … (in reply to MAIL FROM command)").
import type { Reword } from '../../smtp/replies.ts';

export const exchangeReplies = {
  /** An anonymous client not allowed to relay, at MAIL FROM (Exchange Online's client submission endpoint). */
  authRequired: { code: 530, text: '5.7.57 Client not authenticated to send mail.' },
  authFailed: { code: 535, text: '5.7.3 Authentication unsuccessful' },
  /** The mailbox has SMTP AUTH turned off (Set-CASMailbox -SmtpClientAuthenticationDisabled $true). */
  authDisabled: {
    code: 535,
    text: '5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox. Visit https://aka.ms/smtp_auth_disabled for more information.',
  },
  unrecognizedAuth: { code: 504, text: '5.7.4 Unrecognized authentication type' },
  sendAsDenied: { code: 550, text: '5.7.60 SMTP; Client does not have permissions to send as this sender' },
  tooLarge: { code: 552, text: '5.3.4 Message size exceeds fixed maximum message size' },
  noRecipients: { code: 503, text: '5.5.1 Bad sequence of commands' },
} as const;

export function queuedReply(messageId: string, internalId: string, hostname: string): string {
  return `2.6.0 ${messageId} [InternalId=${internalId}, Hostname=${hostname}] Queued mail for delivery`;
}

const plain: Record<string, string> = {
  '250 Accepted MAIL_FROM_OK': '2.1.0 Sender OK',
  '250 Accepted RCPT_TO_OK': '2.1.5 Recipient OK',
  '235 Authentication successful': '2.7.0 Authentication successful',
  '220 Ready to start TLS': '2.0.0 SMTP server ready',
  '354 End data with <CR><LF>.<CR><LF>': 'Start mail input; end with <CRLF>.<CRLF>',
  '221 Bye': '2.0.0 Service closing transmission channel',
  '250 OK': '2.0.0 OK',
};

/** The library's own replies in Exchange's words (the ones clients see in a normal session, and refusals). */
export const exchangeReword: Reword = (code, text, context) => {
  const same = plain[`${code} ${text}${typeof context === 'string' && code === 250 && text === 'Accepted' ? ` ${context}` : ''}`];
  if (same !== undefined) return { code, text: same };
  if (code === 552 && context === 'MESSAGE_TOO_BIG') return exchangeReplies.tooLarge;
  // AUTH before STARTTLS is not offered at all, and an unknown mechanism is not recognized.
  if ((code === 500 && context === 'AUTH') || (code === 504 && /Unrecognized authentication type/.test(text))) return exchangeReplies.unrecognizedAuth;
  if (code === 503 && /need RCPT command/.test(text)) return exchangeReplies.noRecipients;
  return undefined;
};
