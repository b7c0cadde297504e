// GetFolder for the distinguished folders (root, msgfolderroot, inbox, sentitems, outbox, drafts).
import { esc } from '../../xml/escape.ts';
import { NS } from '../../xml/namespaces.ts';
import { child } from '../../xml/parse.ts';
import type { OperationContext } from '../context.ts';
import { FOLDERS, folderId, folderName } from '../folders.ts';
import { failure, success } from '../responses.ts';

const OP = 'GetFolder';
const CHANGE_KEY = 'AQAAABYAAAA';

function folderXml(ctx: OperationContext, name: string): string {
  const f = FOLDERS[name];
  if (!f) return '';
  const owner = ctx.account.email;
  const count = name === 'sentitems' || name === 'drafts' || name === 'outbox' ? ctx.store.itemsIn(owner, name).length : 0;
  const children = Object.values(FOLDERS).filter((x) => x.parent === name).length;
  const parent = f.parent ? `<t:ParentFolderId Id="${esc(folderId(owner, f.parent))}" ChangeKey="${CHANGE_KEY}"/>` : '';
  const folderClass = f.folderClass ? `<t:FolderClass>${f.folderClass}</t:FolderClass>` : '';
  return `<t:Folder><t:FolderId Id="${esc(folderId(owner, name))}" ChangeKey="${CHANGE_KEY}"/>${parent}${folderClass}` +
    `<t:DisplayName>${esc(f.displayName)}</t:DisplayName><t:TotalCount>${count}</t:TotalCount>` +
    `<t:ChildFolderCount>${children}</t:ChildFolderCount><t:UnreadCount>0</t:UnreadCount></t:Folder>`;
}

export function getFolder(ctx: OperationContext): string {
  const ids = child(ctx.op, NS.m, 'FolderIds')?.children ?? [];
  return ids.map((node) => {
    const name = node.local === 'DistinguishedFolderId' ? node.attrs.get('Id') : folderName(ctx.account.email, node.attrs.get('Id') ?? '');
    if (!name || !FOLDERS[name]) return failure(OP, node.local === 'FolderId' ? 'ErrorFolderNotFound' : 'ErrorFolderNotFound');
    return success(OP, `<m:Folders>${folderXml(ctx, name)}</m:Folders>`);
  }).join('');
}
