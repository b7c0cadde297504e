// SendItem: sends drafts made by CreateItem SaveOnly, in whatever folder they were saved (how
// ews-javascript-api sends attachments). An id the sandbox never made is ErrorInvalidIdMalformed; one of a
// draft already sent, ErrorItemNotFound. SaveItemToFolder="true" keeps the copy in the folder
// SavedItemFolderId names (Sent Items without it); "false" with a SavedItemFolderId is
// ErrorInvalidSendItemSaveSettings ("SendItem" element reference).
import { isDraft } from '../../mailbox/store.ts';
import { NS } from '../../xml/namespaces.ts';
import { child, childrenNamed } from '../../xml/parse.ts';
import type { OperationContext } from '../context.ts';
import { failure, success } from '../responses.ts';
import { submit } from '../submit.ts';
import { savedItemFolder, targetItem, type FolderTarget } from '../ids.ts';
import { SchemaViolation } from '../schema-check.ts';

const OP = 'SendItem';

export async function sendItem(ctx: OperationContext): Promise<string> {
  const save = ctx.op.attrs.get('SaveItemToFolder');
  if (save !== 'true' && save !== 'false') throw new SchemaViolation('The required attribute \'SaveItemToFolder\' is missing or not a boolean.', ctx.op);
  const saveCopy = save === 'true';
  const folder: FolderTarget = !saveCopy && child(ctx.op, NS.m, 'SavedItemFolderId')
    ? { ok: false, code: 'ErrorInvalidSendItemSaveSettings' } : savedItemFolder(ctx, 'sentitems');
  const ids = childrenNamed(child(ctx.op, NS.m, 'ItemIds'), NS.t, 'ItemId');
  const out: string[] = [];
  for (const [i, idNode] of ids.entries()) {
    if (!folder.ok) {
      out.push(failure(OP, folder.code));
      continue;
    }
    const target = targetItem(ctx, idNode.attrs.get('Id') ?? '');
    const item = target.ok ? target.item : undefined;
    if (!item || !isDraft(item)) {
      out.push(failure(OP, target.ok ? 'ErrorItemNotFound' : target.code));
      continue;
    }
    if (!(await ctx.limits.pace(ctx.account.email, ctx.receivedAt))) {
      ctx.limits.batchStopped(ctx.account.email, ids.length - i);
      for (let k = i; k < ids.length; k++) out.push(failure(OP, 'ErrorBatchProcessingStopped', '', { responseClass: 'Warning' }));
      break;
    }
    const result = await submit(ctx, item.message, OP, saveCopy ? 'SendAndSaveCopy' : 'SendOnly', { draftId: item.id, copyTo: folder.name });
    out.push(result.ok ? success(OP) : failure(OP, result.code));
  }
  return out.join('');
}
