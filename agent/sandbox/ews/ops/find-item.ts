// FindItem ("FindItem operation") in the caller's folders (by DistinguishedFolderId or FolderId), where
// the sandbox keeps items in Sent Items, the Outbox, Drafts and any folder a SavedItemFolderId named: optionally restricted to IsEqualTo on
// message:InternetMessageId or item:Subject (how a client checks whether a message it may have sent went
// out — under a submission rate or a Sent Items lag, a sent message is in the Outbox for a while first;
// other restrictions are ErrorUnsupportedPathForQuery, said plainly). The ItemShape decides the properties
// (IdOnly: the ItemId only); IndexedPageItemView pages from the Beginning or the End with Offset and
// MaxEntriesReturned, and the answer says where the next page starts (IndexedPagingOffset).
import { esc } from '../../xml/escape.ts';
import { NS } from '../../xml/namespaces.ts';
import { child, type XmlNode } from '../../xml/parse.ts';
import type { SavedItem } from '../../mailbox/store.ts';
import type { OperationContext } from '../context.ts';
import { targetFolder } from '../ids.ts';
import { failure, itemIdXml, success } from '../responses.ts';
import { SchemaViolation } from '../schema-check.ts';
import { shapeOf, type Shape } from './shape.ts';

const OP = 'FindItem';
const FIELDS: Record<string, (i: SavedItem) => string> = {
  'message:InternetMessageId': (i) => i.internetMessageId,
  'item:Subject': (i) => i.subject,
};

type Filter = ((i: SavedItem) => boolean) | 'unsupported';

function filterOf(restriction: XmlNode | undefined): Filter {
  if (!restriction) return () => true;
  const eq = child(restriction, NS.t, 'IsEqualTo');
  const field = eq && FIELDS[child(eq, NS.t, 'FieldURI')?.attrs.get('FieldURI') ?? ''];
  const value = child(child(eq, NS.t, 'FieldURIOrConstant'), NS.t, 'Constant')?.attrs.get('Value');
  if (!field || value === undefined) return 'unsupported';
  return (i) => field(i) === value;
}

function itemXml(i: SavedItem, shape: Shape): string {
  const wants = (field: string, inDefault: boolean): boolean =>
    shape.additional.has(field) || shape.base === 'AllProperties' || (inDefault && shape.base === 'Default');
  const sent = i.sentAt && wants('item:DateTimeSent', true) ? `<t:DateTimeSent>${esc(i.sentAt.replace(/\.\d+Z$/, 'Z'))}</t:DateTimeSent>` : '';
  const parts = [
    itemIdXml(i.id, i.changeKey),
    wants('item:ItemClass', true) ? '<t:ItemClass>IPM.Note</t:ItemClass>' : '',
    wants('item:Subject', true) ? `<t:Subject>${esc(i.subject)}</t:Subject>` : '',
    sent,
    wants('item:HasAttachments', true) ? `<t:HasAttachments>${i.message.attachments.length > 0}</t:HasAttachments>` : '',
    wants('message:From', true) ? `<t:From><t:Mailbox><t:EmailAddress>${esc(i.owner)}</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType></t:Mailbox></t:From>` : '',
    i.internetMessageId && wants('message:InternetMessageId', false) ? `<t:InternetMessageId>${esc(i.internetMessageId)}</t:InternetMessageId>` : '',
    wants('message:IsRead', true) ? '<t:IsRead>true</t:IsRead>' : '',
  ];
  return `<t:Message>${parts.join('')}</t:Message>`;
}

interface Page { from: number; to: number; next?: number; last: boolean }

/** IndexedPageItemView: MaxEntriesReturned items from Offset, counted from the Beginning or the End. */
function pageOf(view: XmlNode | undefined, total: number): Page {
  if (!view) return { from: 0, to: total, last: true };
  const offset = Number(view.attrs.get('Offset') ?? NaN);
  const basePoint = view.attrs.get('BasePoint');
  if (!Number.isInteger(offset) || offset < 0 || (basePoint !== 'Beginning' && basePoint !== 'End')) {
    throw new SchemaViolation('IndexedPageItemView needs a whole-number Offset and a BasePoint of Beginning or End.', view);
  }
  const max = Number(view.attrs.get('MaxEntriesReturned') ?? Infinity);
  const count = Number.isFinite(max) && max > 0 ? max : Infinity;
  if (basePoint === 'Beginning') {
    const from = Math.min(offset, total);
    const to = Math.min(total, from + count);
    return { from, to, next: offset + (to - from), last: to >= total };
  }
  const to = Math.max(0, total - offset);
  const from = Math.max(0, to - count);
  return { from, to, next: offset + (to - from), last: from === 0 };
}

export function findItem(ctx: OperationContext): string {
  const traversal = ctx.op.attrs.get('Traversal');
  if (traversal !== 'Shallow' && traversal !== 'SoftDeleted' && traversal !== 'Associated') {
    throw new SchemaViolation(`The 'Traversal' attribute is invalid or missing - it must be one of Shallow, SoftDeleted, Associated (${NS.t}:ItemQueryTraversalType).`, ctx.op);
  }
  const shape = shapeOf(ctx.op, 'ItemShape');
  const filter = filterOf(child(ctx.op, NS.m, 'Restriction'));
  const view = child(ctx.op, NS.m, 'IndexedPageItemView');
  return (child(ctx.op, NS.m, 'ParentFolderIds')?.children ?? []).map((node) => {
    const target = targetFolder(ctx, node);
    if (!target.ok) return failure(OP, target.code);
    if (filter === 'unsupported') return failure(OP, 'ErrorUnsupportedPathForQuery');
    // Only normal items live here: there are no associated or soft-deleted ones.
    const items = traversal === 'Shallow' ? ctx.store.itemsIn(target.owner, target.name).filter(filter) : [];
    const page = pageOf(view, items.length);
    const offset = page.next === undefined ? '' : ` IndexedPagingOffset="${page.next}"`;
    return success(OP, `<m:RootFolder${offset} TotalItemsInView="${items.length}" IncludesLastItemInRange="${page.last}">` +
      `<t:Items>${items.slice(page.from, page.to).map((i) => itemXml(i, shape)).join('')}</t:Items></m:RootFolder>`);
  }).join('');
}
