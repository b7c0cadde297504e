// ConvertId ("ConvertId operation"): every item and folder id the sandbox hands out converts between the
// IdFormatType formats, and back. The answer's Mailbox is the primary SMTP address of the mailbox the id
// belongs to (clients convert the root folder's id to learn their own address); the request's Mailbox is
// only checked to be SMTP-shaped, as Exchange does, never looked up. exchangelib's version probe (Id and
// Mailbox "DUMMY") is ErrorInvalidIdMalformed, as on Exchange.
import { esc } from '../../xml/escape.ts';
import { NS } from '../../xml/namespaces.ts';
import { child, type XmlNode } from '../../xml/parse.ts';
import type { OperationContext } from '../context.ts';
import { resolveId } from '../ids.ts';
import { failure, success } from '../responses.ts';
import { SchemaViolation } from '../schema-check.ts';

const OP = 'ConvertId';
const FORMATS = ['EwsLegacyId', 'EwsId', 'EntryId', 'HexEntryId', 'StoreId', 'OwaId'] as const;
type Format = (typeof FORMATS)[number];
/** A PR_ENTRYID-like wrapper: four flag bytes (zero), then the sandbox's own id. */
const ENTRY_FLAGS = Buffer.alloc(4);
const STORE_TAG = Buffer.from([0x53, 0x42]); // "SB"

function format(node: XmlNode, attr: string): Format {
  const value = node.attrs.get(attr);
  if (value === undefined) throw new SchemaViolation(`The required attribute '${attr}' is missing.`, node);
  if (!(FORMATS as readonly string[]).includes(value)) {
    throw new SchemaViolation(`The '${attr}' attribute is invalid - The value '${value}' is invalid according to its datatype '${NS.t}:IdFormatType' - The Enumeration constraint failed.`, node);
  }
  return value as Format;
}

function encode(id: string, to: Format): string {
  const bytes = Buffer.from(id, 'utf8');
  if (to === 'EntryId') return Buffer.concat([ENTRY_FLAGS, bytes]).toString('base64');
  if (to === 'HexEntryId') return Buffer.concat([ENTRY_FLAGS, bytes]).toString('hex').toUpperCase();
  if (to === 'StoreId') return Buffer.concat([STORE_TAG, bytes]).toString('base64');
  return id;
}

function decode(value: string, from: Format): string | undefined {
  const unwrap = (bytes: Buffer, head: Buffer): string | undefined =>
    (bytes.length > head.length && bytes.subarray(0, head.length).equals(head) ? bytes.subarray(head.length).toString('utf8') : undefined);
  if (from === 'EntryId') return Buffer.from(value, 'base64').toString('base64') === value ? unwrap(Buffer.from(value, 'base64'), ENTRY_FLAGS) : undefined;
  if (from === 'HexEntryId') return /^(?:[0-9A-Fa-f]{2})+$/.test(value) ? unwrap(Buffer.from(value, 'hex'), ENTRY_FLAGS) : undefined;
  if (from === 'StoreId') return Buffer.from(value, 'base64').toString('base64') === value ? unwrap(Buffer.from(value, 'base64'), STORE_TAG) : undefined;
  return value;
}

export function convertId(ctx: OperationContext): string {
  const destination = format(ctx.op, 'DestinationFormat');
  const ids = child(ctx.op, NS.m, 'SourceIds')?.children ?? [];
  return ids.map((node) => {
    if (node.local !== 'AlternateId') return failure(OP, 'ErrorInvalidIdMalformed'); // public folder ids: the sandbox has none
    const source = format(node, 'Format');
    const mailbox = node.attrs.get('Mailbox');
    if (!mailbox) throw new SchemaViolation('The required attribute \'Mailbox\' is missing.', node);
    const own = decode(node.attrs.get('Id') ?? '', source);
    const target = own === undefined ? undefined : resolveId(ctx, own);
    if (!target || target.kind === 'malformed' || target.kind === 'missing') return failure(OP, 'ErrorInvalidIdMalformed');
    if (!/^[^@\s]+@[^@\s]+$/.test(mailbox)) return failure(OP, 'ErrorInvalidSmtpAddress');
    const owner = target.kind === 'folder' ? target.owner : target.item.owner;
    return success(OP, `<m:AlternateId xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="t:AlternateIdType" ` +
      `Format="${destination}" Id="${esc(encode(own ?? '', destination))}" Mailbox="${esc(owner)}"/>`);
  }).join('');
}
