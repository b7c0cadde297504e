// A scripted SMTP server (a test double, not a mail server): it answers every command with 250 and DATA with
// 354, and after the message's final "." does what the test says: accept, answer with a given reply, or drop
// the connection without a word (the "outcome unknown" case). It counts connections and messages.
import { createServer, type AddressInfo, type Socket } from 'node:net';

export type AfterData = 'accept' | 'drop' | { reply: string };

export interface ScriptedSmtp {
  port: number;
  connections: number;
  messages: string[];
  /** What happens after the next messages' final "." (shifted per message; 'accept' when empty). */
  afterData: AfterData[];
  /** Close each connection (without a reply) right after its first accepted message: an idle timeout. */
  closeAfterMessage: boolean;
  close(): Promise<void>;
}

export async function scriptedSmtp(): Promise<ScriptedSmtp> {
  const sockets = new Set<Socket>();
  const state: ScriptedSmtp = { port: 0, connections: 0, messages: [], afterData: [], closeAfterMessage: false, close: () => Promise.resolve() };
  const server = createServer((socket) => {
    state.connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffer = '';
    let inData = false;
    let data = '';
    socket.write('220 scripted ESMTP\r\n');
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          data += buffer.slice(0, end + 2);
          buffer = buffer.slice(end + 5);
          inData = false;
          const next = state.afterData.shift() ?? 'accept';
          if (next === 'drop') { socket.destroy(); return; }
          if (next === 'accept') {
            state.messages.push(data);
            socket.write('250 2.0.0 queued\r\n');
            if (state.closeAfterMessage) socket.end();
          } else socket.write(`${next.reply}\r\n`);
          data = '';
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') socket.write('250-scripted\r\n250 8BITMIME\r\n');
        else if (verb === 'DATA') { inData = true; socket.write('354 go ahead\r\n'); }
        else if (verb === 'QUIT') { socket.end('221 bye\r\n'); return; }
        else socket.write('250 2.0.0 ok\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  state.close = () => new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  });
  return state;
}
