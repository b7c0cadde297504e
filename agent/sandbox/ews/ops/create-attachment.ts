// CreateAttachment: adds file attachments to a draft made by CreateItem SaveOnly (ews-javascript-api
// sends attachments this way when it saves the message first).
import { esc } from '../../xml/escape.ts';
import { NS } from '../../xml/namespaces.ts';
import { child, childrenNamed } from '../../xml/parse.ts';
import type { OperationContext } from '../context.ts';
import { readAttachment } from '../read-message.ts';
import { failure, success } from '../responses.ts';
import { checkFileAttachment } from '../schema-check.ts';

const OP = 'CreateAttachment';

export function createAttachment(ctx: OperationContext): string {
  const parentId = child(ctx.op, NS.m, 'ParentItemId')?.attrs.get('Id') ?? '';
  const item = ctx.store.get(parentId);
  const files = childrenNamed(child(ctx.op, NS.m, 'Attachments'), NS.t, 'FileAttachment');
  files.forEach(checkFileAttachment);
  return files.map((node, i) => {
    if (!item || item.owner !== ctx.account.email || item.folder !== 'drafts') return failure(OP, 'ErrorItemNotFound', '<m:Attachments/>');
    item.message.attachments.push(readAttachment(node));
    item.changeKey = `CQAAABYAAA${item.message.attachments.length}`;
    const attachmentId = `${item.id}-att${item.message.attachments.length}-${i}`;
    return success(OP, `<m:Attachments><t:FileAttachment><t:AttachmentId Id="${esc(attachmentId)}" RootItemId="${esc(item.id)}" RootItemChangeKey="${esc(item.changeKey)}"/></t:FileAttachment></m:Attachments>`);
  }).join('');
}
