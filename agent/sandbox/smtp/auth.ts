// SMTP AUTH against the sandbox's accounts, as Exchange does it: LOGIN with the account's user name
// (DOMAIN\user, user@domain) or its e-mail address, XOAUTH2 with a bearer token the sandbox knows whose
// owner is the `user=` it names, or an app-only token of its identity platform (Exchange Online's audience)
// holding SMTP.SendAsApp for the mailbox `user=` names, within the app's mailboxes (RBAC for Applications).
// A mailbox with SMTP AUTH turned off is refused with 5.7.139 either way.
import type { SMTPServerAuthentication } from 'smtp-server';
import { smtpReply } from '../../smtp/replies.ts';
import { sameSecret } from '../../same-secret.ts';
import type { CredentialChecker } from '../auth/credentials.ts';
import { inScope } from '../identity/apps.ts';
import { findAccount, type Account } from '../users.ts';
import { exchangeReplies } from './exchange-replies.ts';

export async function smtpLogin(checker: CredentialChecker, auth: SMTPServerAuthentication): Promise<Account | Error> {
  const refused = smtpReply(exchangeReplies.authFailed.code, exchangeReplies.authFailed.text);
  let account: Account | undefined;
  if (auth.method === 'XOAUTH2') {
    const checked = auth.accessToken ? await checker.bearer(auth.accessToken) : undefined;
    const named = (auth.username ?? '').toLowerCase();
    if (checked?.kind === 'user' && (checked.account.email === named || checked.account.username.toLowerCase() === named)) account = checked.account;
    else if (checked?.kind === 'app' && checked.access.roles.has('SMTP.SendAsApp') && inScope(checked.access.app, named)) account = findAccount(checker.directory, named);
  } else if (auth.method === 'LOGIN') {
    const found = findAccount(checker.directory, auth.username ?? '');
    if (found && sameSecret(auth.password ?? '', found.password)) account = found;
  }
  if (!account) return refused;
  if (account.smtpAuthDisabled) return smtpReply(exchangeReplies.authDisabled.code, exchangeReplies.authDisabled.text);
  return account;
}
