// SendItem: sends drafts made by CreateItem SaveOnly (how ews-javascript-api sends attachments). An id
// the sandbox never made is ErrorInvalidIdMalformed; one of a draft already sent, ErrorItemNotFound.
import { NS } from '../../xml/namespaces.ts';
import { child, childrenNamed } from '../../xml/parse.ts';
import type { OperationContext } from '../context.ts';
import { failure, success } from '../responses.ts';
import { submit } from '../submit.ts';
import { targetItem } from '../ids.ts';
import { SchemaViolation } from '../schema-check.ts';

const OP = 'SendItem';

export async function sendItem(ctx: OperationContext): Promise<string> {
  const save = ctx.op.attrs.get('SaveItemToFolder');
  if (save !== 'true' && save !== 'false') throw new SchemaViolation('The required attribute \'SaveItemToFolder\' is missing or not a boolean.', ctx.op);
  const saveCopy = save === 'true';
  const ids = childrenNamed(child(ctx.op, NS.m, 'ItemIds'), NS.t, 'ItemId');
  const out: string[] = [];
  for (const idNode of ids) {
    const target = targetItem(ctx, idNode.attrs.get('Id') ?? '');
    const item = target.ok ? target.item : undefined;
    if (!item || item.folder !== 'drafts') {
      out.push(failure(OP, target.ok ? 'ErrorItemNotFound' : target.code));
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
