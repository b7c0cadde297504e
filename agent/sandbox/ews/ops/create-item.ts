// CreateItem ("CreateItem operation (email message)") with MessageDisposition SaveOnly (a draft with an
// ItemId), SendOnly or SendAndSaveCopy. The attribute is required for messages: without it each message is
// answered ErrorMessageDispositionRequired. SavedItemFolderId names where SaveOnly keeps the draft (Drafts
// without it) and SendAndSaveCopy the copy (Sent Items without it); SendOnly keeps nothing, but the folder
// is still resolved, so a bad one is refused whatever the disposition.
import { esc } from '../../xml/escape.ts';
import { NS } from '../../xml/namespaces.ts';
import { child, type XmlNode } from '../../xml/parse.ts';
import type { OperationContext } from '../context.ts';
import { readMessage } from '../read-message.ts';
import { savedItemFolder, type FolderTarget } from '../ids.ts';
import { failure, itemIdXml, success } from '../responses.ts';
import { checkEnum, checkMessage, SchemaViolation } from '../schema-check.ts';
import { envelopeOf, submit } from '../submit.ts';

const OP = 'CreateItem';

export async function createItem(ctx: OperationContext): Promise<string> {
  const disposition = checkEnum(ctx.op, 'MessageDisposition');
  checkEnum(ctx.op, 'SendMeetingInvitations');
  const items = child(ctx.op, NS.m, 'Items');
  if (!items) throw new SchemaViolation(`The element 'CreateItem' in namespace '${NS.m}' has incomplete content. List of possible elements expected: 'Items'.`, ctx.op);
  // Like Exchange, the whole request is validated before any item is acted on.
  for (const node of items.children) if (node.ns === NS.t && node.local === 'Message') checkMessage(node);
  const folder = savedItemFolder(ctx, disposition === 'SaveOnly' ? 'drafts' : 'sentitems');
  const one = (node: XmlNode): Promise<string> => {
    if (node.ns !== NS.t || node.local !== 'Message') return Promise.resolve(failure(OP, 'ErrorInvalidOperation', '<m:Items/>'));
    if (disposition === undefined) return Promise.resolve(failure(OP, 'ErrorMessageDispositionRequired', '<m:Items/>'));
    if (!folder.ok) return Promise.resolve(failure(OP, folder.code, '<m:Items/>'));
    return createMessage(ctx, node, disposition, folder);
  };
  // Sends under a submission budget go one after another: each waits while the mailbox is over budget, and
  // once the request has worked a minute the rest answer ErrorBatchProcessingStopped (not processed).
  if (disposition !== undefined && disposition !== 'SaveOnly' && folder.ok && ctx.limits.current.messageRatePerMinute !== undefined) {
    const out: string[] = [];
    for (const [i, node] of items.children.entries()) {
      if (!(await ctx.limits.pace(ctx.account.email, ctx.receivedAt))) {
        const rest = items.children.length - i;
        ctx.limits.batchStopped(ctx.account.email, rest);
        for (let k = 0; k < rest; k++) out.push(failure(OP, 'ErrorBatchProcessingStopped', '<m:Items/>', { responseClass: 'Warning' }));
        break;
      }
      out.push(await one(node));
    }
    return out.join('');
  }
  // Otherwise the items are processed together (each answered on its own, in order): their mailbox writes overlap.
  return (await Promise.all(items.children.map(one))).join('');
}

async function createMessage(ctx: OperationContext, node: XmlNode, disposition: string, folder: FolderTarget & { ok: true }): Promise<string> {
  const message = readMessage(node);
  if (disposition === 'SaveOnly') {
    const id = ctx.store.nextId();
    // With MimeContent, the subject and Message-ID are the MIME's unless given as properties: Exchange maps MIME
    // headers to properties (MS-OXCMAIL; Message-ID is PidTagInternetMessageId). exchangelib finds such a draft by it.
    const envelope = envelopeOf(message);
    ctx.store.save({
      id, changeKey: 'CQAAABYAAAA', owner: ctx.account.email, folder: folder.name, subject: envelope.subject,
      internetMessageId: envelope.messageId ?? '', message,
    });
    // Like Exchange, name the attachments it created, so clients do not add them again.
    const attachments = message.attachments.length === 0 ? '' : '<t:Attachments>' + message.attachments
      .map((_a, i) => `<t:FileAttachment><t:AttachmentId Id="${esc(`${id}-att${i + 1}`)}" RootItemId="${esc(id)}" RootItemChangeKey="CQAAABYAAAA"/></t:FileAttachment>`)
      .join('') + '</t:Attachments>';
    return success(OP, `<m:Items><t:Message>${itemIdXml(id, 'CQAAABYAAAA')}${attachments}</t:Message></m:Items>`);
  }
  const result = await submit(ctx, message, OP, disposition, { copyTo: folder.name });
  return result.ok ? success(OP, '<m:Items/>') : failure(OP, result.code, '<m:Items/>');
}
