// Who a message may claim to be from: the account itself, an address it may send as (From: that address),
// or one it may send on behalf of (From: the owner, Sender: the account). Anything else: ErrorSendAsDenied.
import type { Account } from '../users.ts';
import type { Address } from './message.ts';

export type Authorship =
  | { ok: true; from: Address; sender?: Address }
  | { ok: false };

export function authorship(account: Account, requested: Address | undefined): Authorship {
  const own: Address = { email: account.email };
  if (!requested) return { ok: true, from: own };
  const email = requested.email.toLowerCase();
  if (email === account.email || account.sendAs.has(email)) return { ok: true, from: requested };
  if (account.sendOnBehalf.has(email)) return { ok: true, from: requested, sender: own };
  return { ok: false };
}
