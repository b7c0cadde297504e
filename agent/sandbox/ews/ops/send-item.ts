// SendItem: sends drafts made by CreateItem SaveOnly (how ews-javascript-api sends attachments).
import { NS } from '../../xml/namespaces.ts';
import { child, childrenNamed } from '../../xml/parse.ts';
import type { OperationContext } from '../context.ts';
import { failure, success } from '../responses.ts';
import { submit } from '../submit.ts';

const OP = 'SendItem';

export async function sendItem(ctx: OperationContext): Promise<string> {
  const saveCopy = ctx.op.attrs.get('SaveItemToFolder') === 'true';
  const ids = childrenNamed(child(ctx.op, NS.m, 'ItemIds'), NS.t, 'ItemId');
  const out: string[] = [];
  for (const idNode of ids) {
    const item = ctx.store.get(idNode.attrs.get('Id') ?? '');
    if (!item || item.owner !== ctx.account.email || item.folder !== 'drafts') {
      out.push(failure(OP, 'ErrorItemNotFound'));
      continue;
    }
    const result = await submit(ctx, item.message, OP, saveCopy ? 'SendAndSaveCopy' : 'SendOnly');
    if (!result.ok) {
      out.push(failure(OP, result.code));
      continue;
    }
    if (saveCopy) {
      ctx.store.save({ ...item, folder: 'sentitems', internetMessageId: result.messageId, sentAt: result.delivery.time, subject: result.delivery.subject });
    } else {
      ctx.store.remove(item.id);
    }
    out.push(success(OP));
  }
  return out.join('');
}
