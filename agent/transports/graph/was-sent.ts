// Whether a message whose send has an unknown outcome (the answer was lost) went out, before it is sent
// again. Graph's 202 means accepted, not delivered: the copy shows in Sent Items a little later. So:
//   1. a draft we sent it from is still a draft → not sent (the draft goes; the next attempt makes another);
//   2. Sent Items holds its internetMessageId → sent;
//   3. Drafts holds it (a draft from before a restart) → not sent (that draft goes);
//   4. neither → not sent.
// A "not sent" is final only once the transport's wasSentWindowMs (the Sent Items lag) has passed since the
// attempt: the delivery worker keeps that window, from the attempt's time in its durable record, so a
// restart neither shortens nor restarts it (queue/attempt.ts). The limits: a copy that takes longer than the
// window to reach Sent Items is sent twice; a Sent Items copy deleted by someone within the window too.
import { AgentError } from '../../errors.ts';
import { jsonOf } from './api.ts';
import { deleteDraft, type SendContext } from './send.ts';

export const DEFAULT_SENT_ITEMS_LAG_MS = 60_000;

export type WasSentContext = SendContext;

const READ = ['Mail.ReadBasic', 'Mail.Read', 'Mail.ReadWrite'];

function odataString(value: string): string {
  return `'${value.replace(/'/g, '\'\'')}'`;
}

async function findIn(ctx: WasSentContext, folder: 'sentitems' | 'drafts', messageId: string, signal?: AbortSignal): Promise<{ id: string; isDraft: boolean }[]> {
  const query = new URLSearchParams({ $filter: `internetMessageId eq ${odataString(messageId)}`, $select: 'id,internetMessageId,isDraft', $top: '5' });
  const answer = jsonOf(await ctx.api.call('GET', `/mailFolders/${folder}/messages?${query.toString().replace(/\+/g, '%20')}`, {},
    { what: `searching ${folder === 'sentitems' ? 'Sent Items' : 'Drafts'}`, permissions: READ }, signal), ctx.api.host);
  const value = Array.isArray(answer.value) ? answer.value as Record<string, unknown>[] : [];
  return value.filter((m) => typeof m.id === 'string').map((m) => ({ id: String(m.id), isDraft: m.isDraft === true }));
}

/** Still a draft (true), gone (false: sent, or deleted). */
async function stillDraft(ctx: WasSentContext, draftId: string, signal?: AbortSignal): Promise<boolean> {
  try {
    const m = jsonOf(await ctx.api.call('GET', `/messages/${encodeURIComponent(draftId)}?$select=id,isDraft`, {}, { what: 'reading the draft', permissions: READ }, signal), ctx.api.host);
    return m.isDraft === true;
  } catch (err) {
    if (err instanceof AgentError && err.serverCode === 'ErrorItemNotFound') return false;
    throw err;
  }
}

export async function wasSent(ctx: WasSentContext, messageId: string, signal?: AbortSignal): Promise<boolean> {
  const draftId = ctx.drafts.get(messageId);
  if (draftId) {
    if (await stillDraft(ctx, draftId, signal)) await deleteDraft(ctx, draftId, signal);
    ctx.drafts.delete(messageId); // deleted now, or gone already (sent, or deleted): Sent Items tells which
  }
  if ((await findIn(ctx, 'sentitems', messageId, signal)).length > 0) return true;
  const drafts = (await findIn(ctx, 'drafts', messageId, signal)).filter((m) => m.isDraft);
  for (const d of drafts) await deleteDraft(ctx, d.id, signal);
  return false;
}
