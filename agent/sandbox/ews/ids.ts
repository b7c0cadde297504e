// What an id a client sends back names, for every kind the sandbox hands out: a folder (FolderId of
// GetFolder), an item (ItemId of CreateItem SaveOnly, FindItem), or nothing it made ("Id is malformed",
// as Exchange says), and the folder a FolderId / DistinguishedFolderId (with an optional Mailbox) points
// at, with Exchange's errors for another mailbox (ErrorAccessDenied, ErrorNonExistentMailbox).
import type { SavedItem } from '../mailbox/store.ts';
import { findMailbox } from '../users.ts';
import { NS } from '../xml/namespaces.ts';
import { child, type XmlNode } from '../xml/parse.ts';
import type { OperationContext } from './context.ts';
import { decodeFolderId, FOLDERS } from './folders.ts';
import { SchemaViolation } from './schema-check.ts';

export type IdTarget =
  | { kind: 'folder'; owner: string; name: string }
  | { kind: 'item'; item: SavedItem }
  /** Shaped like the sandbox's item ids but not (or no longer) in the store. */
  | { kind: 'missing' }
  | { kind: 'malformed' };

const ITEM_ID = /^AAMkAD[A-Za-z0-9_-]{8}[0-9a-z]{6,}$/;

export function resolveId(ctx: Pick<OperationContext, 'store'>, id: string): IdTarget {
  const folder = decodeFolderId(id);
  if (folder) return { kind: 'folder', ...folder };
  const item = ctx.store.get(id);
  if (item) return { kind: 'item', item };
  return ITEM_ID.test(id) ? { kind: 'missing' } : { kind: 'malformed' };
}

// DistinguishedFolderIdNameType (types.xsd): an Id outside it is a schema violation; one inside it the
// sandbox's mailboxes do not have (archive, public folders, …) is ErrorFolderNotFound.
const DISTINGUISHED = new Set(['calendar', 'contacts', 'deleteditems', 'drafts', 'inbox', 'journal', 'notes', 'outbox', 'sentitems',
  'tasks', 'msgfolderroot', 'publicfoldersroot', 'root', 'junkemail', 'searchfolders', 'voicemail', 'recoverableitemsroot',
  'recoverableitemsdeletions', 'recoverableitemsversions', 'recoverableitemspurges', 'recoverableitemsdiscoveryholds', 'archiveroot',
  'archivemsgfolderroot', 'archivedeleteditems', 'archiveinbox', 'archiverecoverableitemsroot', 'archiverecoverableitemsdeletions',
  'archiverecoverableitemsversions', 'archiverecoverableitemspurges', 'archiverecoverableitemsdiscoveryholds', 'syncissues', 'conflicts',
  'localfailures', 'serverfailures', 'recipientcache', 'quickcontacts', 'conversationhistory', 'adminauditlogs', 'todosearch',
  'mycontacts', 'directory', 'imcontactlist', 'peopleconnect', 'favorites', 'mecontact', 'personmetadata', 'teamspaceactivity',
  'teamspacemessaging', 'teamspaceworkitems', 'scheduled', 'orionnotes', 'tagitems', 'alltaggeditems', 'externalcontacts', 'teamchat',
  'yammerroot', 'yammerinbound', 'yammeroutbound', 'yammerfeeds', 'onedriveroot', 'onedriverecylebin', 'onedrivesystem', 'onedrivevolume']);

export type FolderTarget = { ok: true; owner: string; name: string } | { ok: false; code: string };

/** The folder a t:FolderId or t:DistinguishedFolderId names, as the caller may reach it. */
export function targetFolder(ctx: OperationContext, node: XmlNode): FolderTarget {
  const own = (owner: string): boolean => owner === ctx.account.email;
  const other = (owner: string): FolderTarget => ({ ok: false, code: findMailbox(ctx.directory, owner) ? 'ErrorAccessDenied' : 'ErrorNonExistentMailbox' });
  if (node.local === 'DistinguishedFolderId') {
    const name = node.attrs.get('Id') ?? '';
    if (!DISTINGUISHED.has(name)) {
      throw new SchemaViolation(`The 'Id' attribute is invalid - The value '${name}' is invalid according to its datatype '${NS.t}:DistinguishedFolderIdNameType' - The Enumeration constraint failed.`, node);
    }
    const address = child(child(node, NS.t, 'Mailbox'), NS.t, 'EmailAddress')?.text.trim();
    const mailbox = address === undefined ? ctx.account : findMailbox(ctx.directory, address);
    if (!mailbox) return { ok: false, code: 'ErrorNonExistentMailbox' };
    if (!own(mailbox.email)) return other(mailbox.email);
    return FOLDERS[name] ? { ok: true, owner: mailbox.email, name } : { ok: false, code: 'ErrorFolderNotFound' };
  }
  const target = resolveId(ctx, node.attrs.get('Id') ?? '');
  if (target.kind !== 'folder') return { ok: false, code: 'ErrorInvalidIdMalformed' };
  return own(target.owner) ? { ok: true, owner: target.owner, name: target.name } : other(target.owner);
}

/**
 * The folder m:SavedItemFolderId names (CreateItem, SendItem), `fallback` when there is none. A folder the
 * mailbox does not have is ErrorSavedItemFolderNotFound ("This error occurs when the SavedItemFolderId is not
 * found", ResponseCodeType); a malformed id or another's mailbox as for any folder id.
 */
export function savedItemFolder(ctx: OperationContext, fallback: string): FolderTarget {
  const saved = child(ctx.op, NS.m, 'SavedItemFolderId');
  if (!saved) return { ok: true, owner: ctx.account.email, name: fallback };
  const node = saved.children.find((c) => c.ns === NS.t);
  if (!node) throw new SchemaViolation(`The element 'SavedItemFolderId' in namespace '${NS.m}' has incomplete content. List of possible elements expected: 'FolderId, DistinguishedFolderId, AddressListId'.`, saved);
  const target = targetFolder(ctx, node);
  return !target.ok && target.code === 'ErrorFolderNotFound' ? { ok: false, code: 'ErrorSavedItemFolderNotFound' } : target;
}

/** The caller's own draft or saved item an ItemId names, or the error Exchange answers. */
export function targetItem(ctx: OperationContext, id: string): { ok: true; item: SavedItem } | { ok: false; code: string } {
  const target = resolveId(ctx, id);
  if (target.kind === 'item') return target.item.owner === ctx.account.email ? { ok: true, item: target.item } : { ok: false, code: 'ErrorAccessDenied' };
  return { ok: false, code: target.kind === 'malformed' ? 'ErrorInvalidIdMalformed' : 'ErrorItemNotFound' };
}
