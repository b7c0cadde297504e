// ConvertId: exchangelib sends one (id "DUMMY") to learn the server's version from the response header.
// Ids the sandbox made convert to themselves in the asked format; anything else is malformed, as on Exchange.
import { esc } from '../../xml/escape.ts';
import { NS } from '../../xml/namespaces.ts';
import { child } from '../../xml/parse.ts';
import type { OperationContext } from '../context.ts';
import { failure, success } from '../responses.ts';

const OP = 'ConvertId';
const FORMATS = ['EwsLegacyId', 'EwsId', 'EntryId', 'HexEntryId', 'StoreId', 'OwaId'];

export function convertId(ctx: OperationContext): string {
  const format = ctx.op.attrs.get('DestinationFormat') ?? 'EwsId';
  const ids = child(ctx.op, NS.m, 'SourceIds')?.children ?? [];
  return ids.map((node) => {
    const id = node.attrs.get('Id') ?? '';
    const mailbox = node.attrs.get('Mailbox') ?? '';
    if (!FORMATS.includes(format) || !ctx.store.get(id)) return failure(OP, 'ErrorInvalidIdMalformed');
    return success(OP, `<m:AlternateId xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="t:AlternateIdType" Format="${esc(format)}" Id="${esc(id)}" Mailbox="${esc(mailbox)}"/>`);
  }).join('');
}
