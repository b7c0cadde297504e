// MIME messages for transport tests, composed by nodemailer (what agent/message will hand the transport).
import MailComposer from 'nodemailer/lib/mail-composer';
import type { OutgoingMessage } from '../../../agent/transports/transport.ts';

let counter = 0;

export async function outgoing(fields: { from: string; to: string[]; cc?: string[]; bcc?: string[]; subject: string; text: string }): Promise<OutgoingMessage> {
  counter += 1;
  const messageId = `<test-${process.pid}-${counter}-${Date.now()}@agent.test>`;
  const mime = await new MailComposer({ ...fields, messageId }).compile().build();
  return { messageId, from: fields.from, to: fields.to, cc: fields.cc ?? [], bcc: fields.bcc ?? [], subject: fields.subject, mime };
}
