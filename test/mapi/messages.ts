// OutgoingMessage values built by hand (the MIME composer is tested elsewhere; MAPI reads only `parts`).
import type { MessageParts, OutgoingMessage } from '../../agent/transports/transport.ts';

let counter = 0;

export function outgoing(parts: Partial<MessageParts> & { charset?: string }, fields: Partial<OutgoingMessage> = {}): OutgoingMessage {
  counter += 1;
  return {
    messageId: `<mapi-test-${process.pid}-${counter}@mail-agent.test>`,
    to: ['ops@contoso.test'],
    cc: [],
    bcc: [],
    subject: `MAPI test ${counter}`,
    mime: Buffer.from('(MIME not used by the MAPI transport)'),
    ...fields,
    parts: { charset: 'utf-8', attachments: [], ...parts },
  };
}
