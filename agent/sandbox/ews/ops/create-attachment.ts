// CreateAttachment: adds file attachments to a draft made by CreateItem SaveOnly, in any folder (ews-javascript-api
// sends attachments this way when it saves the message first). One answer per attachment, in order; an
// ItemAttachment (a message inside a message) the sandbox does not keep: ErrorInvalidOperation for it.
import { isDraft } from '../../mailbox/store.ts';
import { esc } from '../../xml/escape.ts';
import { NS } from '../../xml/namespaces.ts';
import { child } from '../../xml/parse.ts';
import type { OperationContext } from '../context.ts';
import { readAttachment } from '../read-message.ts';
import { failure, success } from '../responses.ts';
import { checkFileAttachment } from '../schema-check.ts';
import { targetItem } from '../ids.ts';

const OP = 'CreateAttachment';

export function createAttachment(ctx: OperationContext): string {
  const parent = targetItem(ctx, child(ctx.op, NS.m, 'ParentItemId')?.attrs.get('Id') ?? '');
  const item = parent.ok && isDraft(parent.item) ? parent.item : undefined;
  const attachments = (child(ctx.op, NS.m, 'Attachments')?.children ?? []).filter((a) => a.ns === NS.t);
  attachments.filter((a) => a.local === 'FileAttachment').forEach(checkFileAttachment);
  return attachments.map((node, i) => {
    if (!item) return failure(OP, parent.ok ? 'ErrorItemNotFound' : parent.code, '<m:Attachments/>');
    if (node.local !== 'FileAttachment') return failure(OP, 'ErrorInvalidOperation', '<m:Attachments/>');
    item.message.attachments.push(readAttachment(node));
    item.changeKey = `CQAAABYAAA${item.message.attachments.length}`;
    const attachmentId = `${item.id}-att${item.message.attachments.length}-${i}`;
    return success(OP, `<m:Attachments><t:FileAttachment><t:AttachmentId Id="${esc(attachmentId)}" RootItemId="${esc(item.id)}" RootItemChangeKey="${esc(item.changeKey)}"/></t:FileAttachment></m:Attachments>`);
  }).join('');
}
