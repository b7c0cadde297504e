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
  for (const [i, idNode] of ids.entries()) {
    const target = targetItem(ctx, idNode.attrs.get('Id') ?? '');
    const item = target.ok ? target.item : undefined;
    if (!item || item.folder !== 'drafts') {
      out.push(failure(OP, target.ok ? 'ErrorItemNotFound' : target.code));
      continue;
    }
    if (!(await ctx.limits.pace(ctx.account.email, ctx.receivedAt))) {
      ctx.limits.batchStopped(ctx.account.email, ids.length - i);
      for (let k = i; k < ids.length; k++) out.push(failure(OP, 'ErrorBatchProcessingStopped', '', { responseClass: 'Warning' }));
      break;
    }
    const result = await submit(ctx, item.message, OP, saveCopy ? 'SendAndSaveCopy' : 'SendOnly', item.id);
    out.push(result.ok ? success(OP) : failure(OP, result.code));
  }
  return out.join('');
}
