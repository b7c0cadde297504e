// ResolveNames against the sandbox's accounts: by address (with or without "smtp:"), user name or account.
import { esc } from '../../xml/escape.ts';
import { NS } from '../../xml/namespaces.ts';
import { child } from '../../xml/parse.ts';
import { splitUsername, type Account } from '../../users.ts';
import type { OperationContext } from '../context.ts';
import { failure, success } from '../responses.ts';

const OP = 'ResolveNames';

function matches(account: Account, entry: string): boolean {
  const e = entry.toLowerCase().replace(/^smtp:/, '');
  const user = splitUsername(account.username).user.toLowerCase();
  return account.email === e || account.username.toLowerCase() === e || user === e || account.email.startsWith(e + '@');
}

export function resolveNames(ctx: OperationContext): string {
  const entry = child(ctx.op, NS.m, 'UnresolvedEntry')?.text.trim() ?? '';
  const found = entry ? ctx.directory.accounts.filter((a) => matches(a, entry)).slice(0, 100) : [];
  if (found.length === 0) return failure(OP, 'ErrorNameResolutionNoResults');
  const resolutions = found.map((a) => `<t:Resolution><t:Mailbox><t:Name>${esc(splitUsername(a.username).user)}</t:Name>` +
    `<t:EmailAddress>${esc(a.email)}</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>Mailbox</t:MailboxType></t:Mailbox></t:Resolution>`).join('');
  return success(OP, `<m:ResolutionSet TotalItemsInView="${found.length}" IncludesLastItemInRange="true">${resolutions}</m:ResolutionSet>`);
}
