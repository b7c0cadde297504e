// The MIME Exchange would send for a message built from t:Message properties, composed by nodemailer.
// A single-part message (no attachments: every notification the bench sends) skips nodemailer's stream
// machinery, dear per message in the sandbox's profile (docs/performance.md): its MimeNode still writes
// every header and picks the transfer encoding, and its own QP/base64 encoders encode the body. Multipart
// messages use build().
import MailComposer from 'nodemailer/lib/mail-composer';
import type MimeNode from 'nodemailer/lib/mime-node';
import * as base64 from 'nodemailer/lib/base64';
import * as qp from 'nodemailer/lib/qp';
import type { Address, RequestedMessage } from './message.ts';

function fmt(a: Address): { name: string; address: string } {
  return { name: a.name ?? '', address: a.email };
}

export interface Stamp { from: Address; sender?: Address; messageId: string; date: Date }

export function composer(msg: RequestedMessage, stamp: Stamp): MailComposer {
  const importance = msg.importance?.toLowerCase();
  return new MailComposer({
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
}

/** What MimeNode.stream() writes for a single-part node with string content, without the streams. */
function buildSinglePart(node: MimeNode, content: string): Buffer {
  const encoding = node.getTransferEncoding();
  const head = node.buildHeaders() + '\r\n\r\n';
  const bytes = Buffer.from(content, 'utf8');
  const body = encoding === 'base64' ? base64.wrap(base64.encode(bytes), 76)
    : encoding === 'quoted-printable' ? qp.wrap(qp.encode(bytes), 76)
      : content;
  // LastNewline: the message ends with a line break (the header block already does when there is no body).
  const last = body.at(-1);
  const tail = body === '' || last === '\n' ? '' : last === '\r' ? '\n' : '\r\n';
  return Buffer.from(head + body + tail, 'utf8');
}

export async function composeMime(msg: RequestedMessage, stamp: Stamp): Promise<Buffer> {
  const node = composer(msg, stamp).compile();
  const content = (node as unknown as { content?: unknown }).content;
  if (!node.multipart && typeof content === 'string') return buildSinglePart(node, content);
  return await node.build();
}
