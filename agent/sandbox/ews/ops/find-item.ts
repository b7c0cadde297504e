// FindItem in Sent Items, the Outbox or Drafts, optionally restricted to IsEqualTo on
// message:InternetMessageId or item:Subject: how a client checks whether a message it may have sent did go
// out (under a submission rate or a Sent Items lag, a sent message is in the Outbox for a while first).
import { esc } from '../../xml/escape.ts';
import { NS } from '../../xml/namespaces.ts';
import { child, type XmlNode } from '../../xml/parse.ts';
import type { SavedItem } from '../../mailbox/store.ts';
import type { OperationContext } from '../context.ts';
import { FOLDERS, folderName } from '../folders.ts';
import { failure, itemIdXml, success } from '../responses.ts';

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

function itemXml(i: SavedItem): string {
  const sent = i.sentAt ? `<t:DateTimeSent>${esc(i.sentAt.replace(/\.\d+Z$/, 'Z'))}</t:DateTimeSent>` : '';
  const mid = i.internetMessageId ? `<t:InternetMessageId>${esc(i.internetMessageId)}</t:InternetMessageId>` : '';
  return `<t:Message>${itemIdXml(i.id, i.changeKey)}<t:Subject>${esc(i.subject)}</t:Subject>${sent}${mid}</t:Message>`;
}

export function findItem(ctx: OperationContext): string {
  const owner = ctx.account.email;
  const filter = filterOf(child(ctx.op, NS.m, 'Restriction'));
  const max = Number(child(ctx.op, NS.m, 'IndexedPageItemView')?.attrs.get('MaxEntriesReturned') ?? Infinity);
  return (child(ctx.op, NS.m, 'ParentFolderIds')?.children ?? []).map((node) => {
    const name = node.local === 'DistinguishedFolderId' ? node.attrs.get('Id') : folderName(owner, node.attrs.get('Id') ?? '');
    if (!name || !FOLDERS[name]) return failure(OP, 'ErrorFolderNotFound');
    if (filter === 'unsupported') return failure(OP, 'ErrorUnsupportedPathForQuery');
    const items = name === 'sentitems' || name === 'drafts' || name === 'outbox' ? ctx.store.itemsIn(owner, name).filter(filter) : [];
    const shown = items.slice(0, Number.isFinite(max) && max > 0 ? max : undefined);
    return success(OP, `<m:RootFolder TotalItemsInView="${items.length}" IncludesLastItemInRange="${shown.length === items.length}">` +
      `<t:Items>${shown.map(itemXml).join('')}</t:Items></m:RootFolder>`);
  }).join('');
}
