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
  for (const [i, idNode] of ids.entries()) {
    const item = ctx.store.get(idNode.attrs.get('Id') ?? '');
    if (!item || item.owner !== ctx.account.email || item.folder !== 'drafts') {
      out.push(failure(OP, 'ErrorItemNotFound'));
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
