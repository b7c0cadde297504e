// Address checks: each entry is an RFC 5322 addr-spec, optionally with a display name ("Ops <ops@x>").
// Lists are split with nodemailer's addressparser so quoted names with commas survive.
import addressparser from 'nodemailer/lib/addressparser';
import { AgentError, ErrorCodes } from '../errors.ts';
import { assertHeaderText } from './header-safety.ts';
import type { Address } from './types.ts';

// dot-atom local part and a DNS domain (or an address literal): what Exchange accepts in practice.
const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]";
const LOCAL = `${ATEXT}+(?:\\.${ATEXT}+)*`;
const LABEL = '[A-Za-z0-9\\u00a0-\\uffff](?:[A-Za-z0-9\\u00a0-\\uffff-]{0,61}[A-Za-z0-9\\u00a0-\\uffff])?';
const DOMAIN = `(?:${LABEL}(?:\\.${LABEL})+|\\[[0-9.:A-Fa-f]+\\])`;
const ADDR_SPEC = new RegExp(`^${LOCAL}@${DOMAIN}$`);

export function isAddrSpec(value: string): boolean {
  return value.length <= 254 && ADDR_SPEC.test(value);
}

/** Parses one field's entries (each may hold a comma-separated list) into checked addresses. */
export function parseAddressList(field: string, entries: readonly string[]): Address[] {
  const out: Address[] = [];
  for (const entry of entries) {
    assertHeaderText(field, entry);
    if (entry.trim() === '') continue;
    for (const parsed of addressparser(entry, { flatten: true })) {
      const address = parsed.address.trim();
      // addressparser reads "a b@c.co" as name "a"; a display name needs the <addr> form.
      const strayName = parsed.name !== '' && !entry.includes('<');
      if (strayName || !isAddrSpec(address)) {
        throw new AgentError(ErrorCodes.MessageInvalid, `${field}: '${printable(strayName ? entry : parsed.address || entry)}' is not a valid e-mail address`);
      }
      out.push(parsed.name ? { name: parsed.name, address } : { address });
    }
  }
  return out;
}

export function parseSingleAddress(field: string, value: string): Address {
  const list = parseAddressList(field, [value]);
  if (list.length !== 1 || !list[0]) throw new AgentError(ErrorCodes.MessageInvalid, `${field} must be exactly one e-mail address`);
  return list[0];
}

function printable(value: string): string {
  return value.length > 80 ? value.slice(0, 77) + '...' : value;
}
