// EWS with an app-only token (Exchange Online): the request names the mailbox in the ExchangeImpersonation
// SOAP header, and the app needs full_access_as_app and a management scope (RBAC for Applications) that
// holds the mailbox. The faults are Exchange Online's for each case.
import type { AppAccess } from '../identity/access-tokens.ts';
import { inScope } from '../identity/apps.ts';
import type { Fault } from '../soap/faults.ts';
import type { Account, Directory } from '../users.ts';
import { NS } from '../xml/namespaces.ts';
import { child, textOf, type XmlNode } from '../xml/parse.ts';

/** The account the app acts for, or the fault to answer. */
export function impersonated(access: AppAccess, header: XmlNode | undefined, directory: Directory): Account | Fault {
  const sid = child(child(header, NS.t, 'ExchangeImpersonation'), NS.t, 'ConnectingSID');
  const address = textOf(child(sid, NS.t, 'PrimarySmtpAddress')) ?? textOf(child(sid, NS.t, 'SmtpAddress')) ?? textOf(child(sid, NS.t, 'PrincipalName'));
  if (!address) {
    return { code: 'ErrorInvalidExchangeImpersonationHeaderData', message: 'ExchangeImpersonation SOAP header must be present for this type of OAuth token.' };
  }
  const lower = address.toLowerCase();
  const account = directory.accounts.find((a) => a.email === lower || a.username.toLowerCase() === lower);
  if (!account || account.email.split('@')[1] !== access.app.tenant.domain) {
    return { code: 'ErrorNonExistentMailbox', message: 'The SMTP address has no mailbox associated with it.' };
  }
  if (!access.roles.has('full_access_as_app') || !inScope(access.app, account.email)) {
    return { code: 'ErrorImpersonateUserDenied', message: 'The account does not have permission to impersonate the requested user.' };
  }
  return account;
}
