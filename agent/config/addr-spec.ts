// RFC 5322 addr-spec (`local@domain`), without the obsolete forms and without comments or folding:
// what a header may carry safely. ASCII only; CR and LF can never match.
const atext = "[A-Za-z0-9!#$%&'*+\\-/=?^_`{|}~]+";
const dotAtom = `${atext}(?:\\.${atext})*`;
const quotedString = '"(?:[\\x20\\x21\\x23-\\x5b\\x5d-\\x7e\\t]|\\\\[\\x20-\\x7e\\t])*"';
const domainLiteral = '\\[[\\x21-\\x5a\\x5e-\\x7e]*\\]';
const addrSpec = new RegExp(`^(?:${dotAtom}|${quotedString})@(?:${dotAtom}|${domainLiteral})$`);

/** True for a plain address such as `helpdesk@contoso.com` (no display name, no angle brackets). */
export function isAddrSpec(value: string): boolean {
  if (value.length > 254) return false;
  const at = value.lastIndexOf('@');
  if (at < 1 || at > 64) return false; // the local part is at most 64 octets
  return addrSpec.test(value);
}
