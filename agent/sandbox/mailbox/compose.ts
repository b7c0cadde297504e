// The MIME Exchange would send for a message built from t:Message properties, composed by nodemailer.
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Address, RequestedMessage } from './message.ts';

function fmt(a: Address): { name: string; address: string } {
  return { name: a.name ?? '', address: a.email };
}

export async function composeMime(msg: RequestedMessage, stamp: { from: Address; sender?: Address; messageId: string; date: Date }): Promise<Buffer> {
  const importance = msg.importance?.toLowerCase();
  const composer = new MailComposer({
    from: fmt(stamp.from),
    sender: stamp.sender ? fmt(stamp.sender) : undefined,
    to: msg.to.map(fmt),
    cc: msg.cc.map(fmt),
    replyTo: msg.replyTo.length ? msg.replyTo.map(fmt) : undefined,
    subject: msg.subject ?? '',
    messageId: stamp.messageId,
    date: stamp.date,
    priority: importance === 'high' || importance === 'low' ? importance : undefined,
    ...(msg.body?.html ? { html: msg.body.text } : { text: msg.body?.text ?? '' }),
    attachments: msg.attachments.map((a) => ({
      filename: a.name, content: a.content, contentType: a.contentType, cid: a.contentId,
      contentDisposition: a.isInline ? 'inline' as const : 'attachment' as const,
    })),
  });
  return await composer.compile().build();
}
