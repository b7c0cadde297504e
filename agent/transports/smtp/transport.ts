// service: smtp. Verify = one session up to AUTH (connect, EHLO, STARTTLS, AUTH), then QUIT: no message.
// Sends go over up to `sendConcurrency` sessions kept open between messages (closed after a minute idle,
// and with XOAUTH2 not kept past their token's expiry), one message at a time each; a session that failed is
// dropped, and one the server closed while idle is replaced before anything was sent. SMTP has no way to ask
// "was this sent?", so there is no wasSent: an attempt whose outcome is unknown is sent again (at least
// once; the notifications log says so).
import { AgentError, ErrorCodes } from '../../errors.ts';
import type { OutgoingMessage, SendResult, Transport, TransportInfo } from '../transport.ts';
import { SmtpSession, type SmtpSessionOptions } from './session.ts';

const IDLE_MS = 60_000;

export interface SmtpTransportExtras {
  sendConcurrency?: number;
  /** What else to close with the transport (the login host's HTTP client, with XOAUTH2). */
  clients?: readonly { close(): void }[];
  now?: () => number;
}

export class SmtpTransport implements Transport {
  readonly sendConcurrency: number;
  readonly #options: SmtpSessionOptions;
  readonly #clients: readonly { close(): void }[];
  readonly #now: () => number;
  readonly #idle: SmtpSession[] = [];
  readonly #waiting: (() => void)[] = [];
  #open = 0;
  #closed = false;
  #sweep: NodeJS.Timeout | undefined;

  constructor(options: SmtpSessionOptions, extras: SmtpTransportExtras = {}) {
    this.#options = options;
    this.sendConcurrency = extras.sendConcurrency ?? 4;
    this.#clients = extras.clients ?? [];
    this.#now = extras.now ?? Date.now;
  }

  info(): TransportInfo {
    const { host, port, security, auth } = this.#options;
    const where = host.includes(':') ? `[${host}]` : host;
    const expires = this.tokenExpiresAt();
    return {
      service: 'smtp', endpoint: `${security === 'tls' ? 'smtps' : 'smtp'}://${where}:${port}`, auth: auth.kind,
      ...(auth.kind === 'none' ? {} : { account: auth.username }),
      ...(expires ? { tokenExpiresAt: expires.toISOString() } : {}),
    };
  }

  /** XOAUTH2: when the access token held now expires (the status file shows it; never the token). */
  tokenExpiresAt(): Date | undefined {
    return this.#options.auth.kind === 'xoauth2' ? this.#options.auth.tokens.expiresAt() : undefined;
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
    for (const client of this.#clients) client.close();
    return Promise.resolve();
  }

  async #acquire(signal?: AbortSignal): Promise<{ session: SmtpSession; reused: boolean }> {
    for (;;) {
      if (this.#closed) throw new AgentError(ErrorCodes.ConnectionFailed, 'the SMTP transport is closed (its settings were replaced)', { transient: true });
      const kept = this.#idle.pop();
      if (kept?.alive && !kept.failed && !this.#authExpired(kept)) return { session: kept, reused: true };
      if (kept?.alive) kept.quit();
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

  /** Authenticated with a token that has expired since: retired (a new session signs in with a new token). */
  #authExpired(session: SmtpSession): boolean {
    return session.authExpiresAt !== undefined && session.authExpiresAt.getTime() <= this.#now();
  }

  #closeIdle(): void {
    const now = Date.now();
    for (const session of [...this.#idle]) {
      if (session.alive && now - session.lastUsed < IDLE_MS && !this.#authExpired(session)) continue;
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
