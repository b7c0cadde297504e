// ResolveNames ("ResolveNames operation") against the sandbox's mailboxes, as the directory: a name or
// address without a routing type matches the start of the display name or alias, or the primary SMTP
// address; with "smtp:" it matches the start of any of the mailbox's addresses (its aliases too). One
// match: Success; several: Warning ErrorNameResolutionMultipleResults with all of them (at most 100);
// none: ErrorNameResolutionNoResults. ReturnFullContactData adds the directory's Contact.
import { esc } from '../../xml/escape.ts';
import { NS } from '../../xml/namespaces.ts';
import { child } from '../../xml/parse.ts';
import { splitUsername, type Account } from '../../users.ts';
import type { OperationContext } from '../context.ts';
import { failure, success, warning } from '../responses.ts';
import { SchemaViolation } from '../schema-check.ts';

const OP = 'ResolveNames';

function matches(account: Account, entry: string): boolean {
  const lower = entry.toLowerCase();
  if (lower.startsWith('smtp:')) {
    const wanted = lower.slice('smtp:'.length);
    return wanted !== '' && [account.email, ...(account.aliases ?? [])].some((address) => address.startsWith(wanted));
  }
  const user = splitUsername(account.username).user.toLowerCase();
  return account.email === lower || user.startsWith(lower) || account.email.slice(0, account.email.indexOf('@')).startsWith(lower);
}

function resolution(a: Account, full: boolean): string {
  const name = esc(splitUsername(a.username).user);
  const contact = full ? `<t:Contact><t:DisplayName>${name}</t:DisplayName><t:EmailAddresses>` +
    `<t:Entry Key="EmailAddress1">SMTP:${esc(a.email)}</t:Entry></t:EmailAddresses><t:ContactSource>ActiveDirectory</t:ContactSource></t:Contact>` : '';
  return `<t:Resolution><t:Mailbox><t:Name>${name}</t:Name><t:EmailAddress>${esc(a.email)}</t:EmailAddress>` +
    `<t:RoutingType>SMTP</t:RoutingType><t:MailboxType>Mailbox</t:MailboxType></t:Mailbox>${contact}</t:Resolution>`;
}

export function resolveNames(ctx: OperationContext): string {
  const full = ctx.op.attrs.get('ReturnFullContactData');
  if (full !== 'true' && full !== 'false' && full !== '1' && full !== '0') {
    throw new SchemaViolation('The required attribute \'ReturnFullContactData\' is missing or not a boolean.', ctx.op);
  }
  const entry = child(ctx.op, NS.m, 'UnresolvedEntry')?.text.trim() ?? '';
  const found = entry ? ctx.directory.accounts.filter((a) => matches(a, entry)).slice(0, 100) : [];
  if (found.length === 0) return failure(OP, 'ErrorNameResolutionNoResults');
  const set = `<m:ResolutionSet TotalItemsInView="${found.length}" IncludesLastItemInRange="true">` +
    `${found.map((a) => resolution(a, full === 'true' || full === '1')).join('')}</m:ResolutionSet>`;
  return found.length === 1 ? success(OP, set) : warning(OP, 'ErrorNameResolutionMultipleResults', set);
}
