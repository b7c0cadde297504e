// Check → compose once → enqueue durably. The one path every sender (CLI `send`, the SMTP submission port)
// takes, so nothing reaches the spool without passing the checks docs/notifications.md lists.
import type { MessageSettings } from '../config/settings.ts';
import { AgentError, ErrorCodes } from '../errors.ts';
import { checkNotification } from '../message/checks.ts';
import { composeMime } from '../message/compose.ts';
import { messageIdFor, newNotificationId } from '../message/message-id.ts';
import { Readable } from 'node:stream';
import { checkSubmission, type SubmittedMessage } from '../message/submitted.ts';
import type { CheckedNotification, NotificationInput, NotificationSource } from '../message/types.ts';
import type { Spool } from './spool.ts';
import type { SpoolMeta } from './spool-types.ts';

export interface Submitted {
  id: string;
  messageId: string;
  enqueuedAt: string;
}

export async function submitNotification(spool: Spool, input: NotificationInput, settings: MessageSettings,
  options: { cwd: string; now?: Date }): Promise<Submitted> {
  const checked = await checkNotification(input, settings, { cwd: options.cwd });
  const now = options.now ?? new Date();
  const id = newNotificationId(now.getTime());
  const messageId = messageIdFor(id);
  const meta = spoolMeta(id, messageId, now, checked);
  try {
    await spool.enqueue(meta, composeMime(checked, { messageId, date: now }));
  } catch (err) {
    // An attachment removed or made unreadable between the check and composition.
    const failed = err as NodeJS.ErrnoException;
    const attachment = checked.attachments.find((a) => a.path === failed.path);
    if (!attachment) throw err;
    throw new AgentError(ErrorCodes.MessageInvalid, `attachment '${attachment.filename}' could not be read while composing (${failed.code ?? 'error'}); nothing queued`, { cause: err });
  }
  return { id, messageId, enqueuedAt: meta.enqueuedAt };
}

function spoolMeta(id: string, messageId: string, now: Date, m: CheckedNotification): SpoolMeta {
  return {
    id, messageId,
    enqueuedAt: now.toISOString(),
    ...(m.from ? { from: m.from.address } : {}),
    to: m.to.map((a) => a.address),
    cc: m.cc.map((a) => a.address),
    bcc: m.bcc.map((a) => a.address),
    subject: m.subject,
    charset: m.charset,
    text: m.text,
    ...(m.html !== undefined ? { html: m.html } : {}),
    ...(m.onBehalfOf ? { onBehalfOf: m.onBehalfOf } : {}),
    attachments: m.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.size })),
  };
}

/** A message submitted as MIME (the SMTP port): checked like `send`, its MIME kept, enqueued durably. */
export async function submitMime(spool: Spool, input: SubmittedMessage, settings: MessageSettings,
  options: { source: NotificationSource; now?: Date }): Promise<Submitted> {
  const now = options.now ?? new Date();
  const id = newNotificationId(now.getTime());
  const checked = await checkSubmission(input, settings, { messageId: messageIdFor(id), date: now });
  const { mime, ...fields } = checked;
  const meta: SpoolMeta = { id, enqueuedAt: now.toISOString(), ...fields, source: options.source };
  await spool.enqueue(meta, Readable.from([mime]));
  return { id, messageId: checked.messageId, enqueuedAt: meta.enqueuedAt };
}
