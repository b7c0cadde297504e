// Sending through Graph: sendMail (JSON `message` and `saveToSentItems`, or MIME) and a draft's `send`. Both
// answer 202 with no body once the message is delivered to the sandbox's mailboxes; the Sent Items copy
// appears after the configured lag (MIME and drafts always keep one: they have no saveToSentItems).
import { appendAttachments } from '../mailbox/append-attachments.ts';
import type { RequestedMessage } from '../mailbox/message.ts';
import { submit } from '../ews/submit.ts';
import type { GraphRequest } from './context.ts';
import { messageOf, mimeOf } from './message-in.ts';
import { Errors, GraphFailure, sendEmpty } from './odata.ts';

export function isMimeRequest(g: GraphRequest): boolean {
  return /^text\/plain\b/i.test(String(g.req.headers['content-type'] ?? ''));
}

function jsonOf(g: GraphRequest): Record<string, unknown> {
  try {
    const value = JSON.parse(g.body.toString('utf8')) as unknown;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new GraphFailure(Errors.bodyRead('The request body is not a JSON object.'));
}

/** sendMail's parameters, names matched without regard to case as Graph does. */
function sendMailParameters(g: GraphRequest): { message: RequestedMessage; save: boolean } {
  const body = jsonOf(g);
  let message: unknown;
  let save: unknown = true;
  for (const [key, value] of Object.entries(body)) {
    if (key.toLowerCase() === 'message') message = value;
    else if (key.toLowerCase() === 'savetosentitems') save = value;
    else throw new GraphFailure(Errors.badRequest(`The parameter '${key}' in the request payload is not a valid parameter for the operation 'sendMail'.`, 'UnableToDeserializePostBody'));
  }
  if (message === undefined) throw new GraphFailure(Errors.badRequest('The parameter \'message\' is missing.', 'ErrorInvalidParameter'));
  if (typeof save !== 'boolean') throw new GraphFailure(Errors.bodyRead('Cannot convert the value of \'saveToSentItems\' to \'Edm.Boolean\'.'));
  return { message: messageOf(message), save };
}

/**
 * Through the same Outbox as EWS (agent/sandbox/limits): the mailbox's submission rate and size limit hold for
 * Graph too, and a draft leaves Drafts as it is sent. The Sent Items copy is Graph's own, shown once the
 * configured lag has passed (the sandbox's `now`, so tests can step over it).
 */
async function deliver(g: GraphRequest, message: RequestedMessage, operation: string, save: boolean, draftId?: string): Promise<void> {
  const { state, account } = g;
  const result = await submit({ account, store: state.store, now: state.now, hostname: state.hostname, limits: state.limits }, message, operation, 'SendOnly', { draftId });
  if (!result.ok) {
    throw new GraphFailure(result.code === 'ErrorSendAsDenied' ? Errors.sendAsDenied()
      : result.code === 'ErrorMessageSizeExceeded' ? Errors.badRequest('The message exceeds the maximum supported size.', 'ErrorMessageSizeExceeded')
        : Errors.invalidRecipients());
  }
  if (save) {
    const id = state.store.nextId();
    const sentAt = state.now().toISOString();
    state.created.set(id, sentAt);
    state.store.save({
      id, changeKey: 'CQAAABYAAAA', owner: account.email, folder: 'sentitems', subject: result.subject,
      internetMessageId: result.messageId, sentAt, message, visibleAt: state.now().getTime() + (state.limits.current.sentItemsLagMs ?? 0),
    });
  }
}

export async function sendMail(g: GraphRequest): Promise<void> {
  if (isMimeRequest(g)) await deliver(g, { to: [], cc: [], bcc: [], replyTo: [], attachments: [], mime: mimeOf(g.body) }, 'sendMail', true);
  else {
    const { message, save } = sendMailParameters(g);
    await deliver(g, message, 'sendMail', save);
  }
  sendEmpty(g.req, g.res, 202);
}

/** POST .../messages/{id}/send: the draft goes, and leaves Drafts at once. */
export async function sendDraft(g: GraphRequest, id: string): Promise<void> {
  const item = g.state.store.get(id);
  if (!item || item.owner !== g.account.email || item.folder !== 'drafts') throw new GraphFailure(Errors.itemNotFound());
  const m = item.message;
  const message = m.mime ? { ...m, mime: appendAttachments(m.mime, m.attachments), attachments: [] } : m;
  await deliver(g, message, 'send', true, item.id);
  sendEmpty(g.req, g.res, 202);
}

export { jsonOf };
