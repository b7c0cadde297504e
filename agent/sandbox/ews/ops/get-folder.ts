// GetFolder ("GetFolder operation") for the distinguished folders of the caller's mailbox, by
// DistinguishedFolderId (with or without its own Mailbox) or by the FolderId an earlier answer gave. The
// FolderShape decides the properties: IdOnly the id; Default the id, DisplayName, TotalCount,
// ChildFolderCount and UnreadCount; AllProperties also ParentFolderId and FolderClass; AdditionalProperties
// add theirs. An error answer carries an empty m:Folders, as Exchange's does.
import { esc } from '../../xml/escape.ts';
import { NS } from '../../xml/namespaces.ts';
import { child } from '../../xml/parse.ts';
import type { OperationContext } from '../context.ts';
import { FOLDERS, folderId } from '../folders.ts';
import { targetFolder } from '../ids.ts';
import { failure, success } from '../responses.ts';
import { shapeOf, type Shape } from './shape.ts';

const OP = 'GetFolder';
const CHANGE_KEY = 'AQAAABYAAAA';

function folderXml(ctx: OperationContext, owner: string, name: string, shape: Shape): string {
  const f = FOLDERS[name];
  if (!f) return '';
  const wants = (field: string, inDefault: boolean): boolean =>
    shape.additional.has(`folder:${field}`) || shape.base === 'AllProperties' || (inDefault && shape.base === 'Default');
  const count = ctx.store.itemsIn(owner, name).length;
  const children = Object.values(FOLDERS).filter((x) => x.parent === name).length;
  const hasUnread = f.element === 'Folder' || f.element === 'TasksFolder';
  const parts = [
    `<t:FolderId Id="${esc(folderId(owner, name))}" ChangeKey="${CHANGE_KEY}"/>`,
    f.parent && wants('ParentFolderId', false) ? `<t:ParentFolderId Id="${esc(folderId(owner, f.parent))}" ChangeKey="${CHANGE_KEY}"/>` : '',
    f.folderClass && wants('FolderClass', false) ? `<t:FolderClass>${f.folderClass}</t:FolderClass>` : '',
    wants('DisplayName', true) ? `<t:DisplayName>${esc(f.displayName)}</t:DisplayName>` : '',
    wants('TotalCount', true) ? `<t:TotalCount>${count}</t:TotalCount>` : '',
    wants('ChildFolderCount', true) ? `<t:ChildFolderCount>${children}</t:ChildFolderCount>` : '',
    hasUnread && wants('UnreadCount', true) ? '<t:UnreadCount>0</t:UnreadCount>' : '',
  ];
  return `<t:${f.element}>${parts.join('')}</t:${f.element}>`;
}

export function getFolder(ctx: OperationContext): string {
  const shape = shapeOf(ctx.op, 'FolderShape');
  const ids = child(ctx.op, NS.m, 'FolderIds')?.children ?? [];
  return ids.map((node) => {
    const target = targetFolder(ctx, node);
    if (!target.ok) return failure(OP, target.code, '<m:Folders/>');
    return success(OP, `<m:Folders>${folderXml(ctx, target.owner, target.name, shape)}</m:Folders>`);
  }).join('');
}
