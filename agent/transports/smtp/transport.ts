// service: smtp. Verify = one session up to AUTH (connect, EHLO, STARTTLS, AUTH), then QUIT: no message.
// Sends go over up to `sendConcurrency` sessions kept open between messages (closed after a minute idle),
// one message at a time each; a session that failed is dropped, and one the server closed while idle is
// replaced before anything was sent. SMTP has no way to ask "was this sent?", so there is no wasSent:
// an attempt whose outcome is unknown is sent again (at least once; the notifications log says so).
import { AgentError, ErrorCodes } from '../../errors.ts';
import type { OutgoingMessage, SendResult, Transport, TransportInfo } from '../transport.ts';
import { SmtpSession, type SmtpSessionOptions } from './session.ts';

const IDLE_MS = 60_000;

export class SmtpTransport implements Transport {
  readonly sendConcurrency: number;
  readonly #options: SmtpSessionOptions;
  readonly #idle: SmtpSession[] = [];
  readonly #waiting: (() => void)[] = [];
  #open = 0;
  #closed = false;
  #sweep: NodeJS.Timeout | undefined;

  constructor(options: SmtpSessionOptions, sendConcurrency = 4) {
    this.#options = options;
    this.sendConcurrency = sendConcurrency;
  }

  info(): TransportInfo {
    const { host, port, security, auth } = this.#options;
    const where = host.includes(':') ? `[${host}]` : host;
    return {
      service: 'smtp', endpoint: `${security === 'tls' ? 'smtps' : 'smtp'}://${where}:${port}`, auth: auth.kind,
      ...(auth.kind === 'none' ? {} : { account: auth.username }),
    };
  }

  async verify(signal?: AbortSignal): Promise<TransportInfo> {
    const session = await SmtpSession.open(this.#options, signal);
    session.quit();
    return this.info();
  }

  async send(message: OutgoingMessage, signal?: AbortSignal): Promise<SendResult> {
    const to = [...message.to, ...message.cc, ...message.bcc];
    const from = message.from ?? (this.#options.auth.kind === 'none' ? '' : this.#options.auth.username);
    let session = await this.#acquire(signal);
    try {
      let result;
      try {
        result = await session.session.send(from, to, message.mime, signal);
      } catch (err) {
        // A kept session the server had closed fails before anything was sent: once more on a fresh one.
        if (!session.reused || !isLostConnection(err) || session.session.lastStage !== 'envelope' || signal?.aborted) throw err;
        session.session.close();
        session = { session: await SmtpSession.open(this.#options, signal), reused: false };
        result = await session.session.send(from, to, message.mime, signal);
      }
      if (result.rejected.length > 0) {
        throw new AgentError(ErrorCodes.RecipientRejected,
          `${this.#options.host} refused ${result.rejected.join(', ')} and took the message for the others (${to.filter((a) => !result.rejected.includes(a)).join(', ')}); not sent again`);
      }
      return { messageId: message.messageId };
    } finally {
      this.#release(session.session);
    }
  }

  close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#sweep);
    for (const session of this.#idle.splice(0)) session.quit();
    for (const wake of this.#waiting.splice(0)) wake();
    return Promise.resolve();
  }

  async #acquire(signal?: AbortSignal): Promise<{ session: SmtpSession; reused: boolean }> {
    for (;;) {
      if (this.#closed) throw new AgentError(ErrorCodes.ConnectionFailed, 'the SMTP transport is closed (its settings were replaced)', { transient: true });
      const kept = this.#idle.pop();
      if (kept?.alive && !kept.failed) return { session: kept, reused: true };
      if (kept) { this.#open -= 1; continue; }
      if (this.#open < this.sendConcurrency) {
        this.#open += 1;
        try {
          return { session: await SmtpSession.open(this.#options, signal), reused: false };
        } catch (err) {
          this.#open -= 1;
          this.#wakeOne();
          throw err;
        }
      }
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
  }

  #release(session: SmtpSession): void {
    if (session.alive && !session.failed && !this.#closed) {
      this.#idle.push(session);
      this.#sweep ??= setInterval(() => this.#closeIdle(), IDLE_MS / 2).unref();
    } else {
      this.#open -= 1;
      if (session.alive) session.quit();
    }
    this.#wakeOne();
  }

  #closeIdle(): void {
    const now = Date.now();
    for (const session of [...this.#idle]) {
      if (session.alive && now - session.lastUsed < IDLE_MS) continue;
      this.#idle.splice(this.#idle.indexOf(session), 1);
      this.#open -= 1;
      session.quit();
    }
  }

  #wakeOne(): void {
    this.#waiting.shift()?.();
  }
}

/** No reply from the server, only a broken connection (a reply, even 421, is the server's answer). */
function isLostConnection(err: unknown): boolean {
  return err instanceof AgentError && err.transient && err.serverCode === undefined;
}
