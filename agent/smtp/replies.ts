// smtp-server, with replies that may carry their own enhanced status code. The library puts a generic one
// of its own in front of every error a handler gives (550 → 5.1.1, 552 → 5.2.2), which would make our
// "550 5.7.1 sending as … is not allowed" read "550 5.1.1 5.7.1 …". Here a reply text that begins with an
// enhanced code ("5.7.60 …") goes out as written; the rest keep the library's. Shared by the agent's
// submission port and the sandbox, which also rewords some of the library's own replies (`reword`).
import type net from 'node:net';
import type tls from 'node:tls';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

const ENHANCED = /^[245]\.\d{1,3}\.\d{1,3} /;

/** The library's reply (code, text, context) → what to send instead; undefined keeps it. */
export type Reword = (code: number, text: string, context: string | false | undefined) => { code: number; text: string } | undefined;

/** An error a handler callback gives: the client reads `code text`. */
export function smtpReply(code: number, text: string): Error & { responseCode: number } {
  return Object.assign(new Error(text), { responseCode: code });
}

export class OwnRepliesServer extends SMTPServer {
  readonly #reword: Reword | undefined;

  constructor(options: SMTPServerOptions, reword?: Reword) {
    super(options);
    this.#reword = reword;
  }

  override connect(socket: net.Socket | tls.TLSSocket, socketOptions?: Parameters<SMTPServer['connect']>[1]): void {
    super.connect(socket, socketOptions);
    // The connection just made is the newest in the set (insertion order).
    let newest;
    for (const connection of this.connections) newest = connection;
    if (!newest) return;
    const send = newest.send.bind(newest);
    const reword = this.#reword;
    newest.send = (code, data, context) => {
      if (typeof data === 'string') {
        const replaced = reword?.(code, data, context);
        if (replaced) return send(replaced.code, replaced.text, ENHANCED.test(replaced.text) ? false : context);
        if (ENHANCED.test(data)) return send(code, data, false);
      }
      return send(code, data, context);
    };
  }
}
