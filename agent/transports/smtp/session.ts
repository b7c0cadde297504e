// One SMTP session with nodemailer's SMTPConnection, as promises: open (connect, EHLO, STARTTLS, AUTH),
// send one message (MAIL FROM, RCPT TO, DATA), quit. It remembers whether a message's final "." has gone
// out, which is what makes a lost connection "outcome unknown" rather than "not sent".
import { Readable } from 'node:stream';
import type { SecureContext } from 'node:tls';
import { isIP } from 'node:net';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { formatAddress } from '../../config/listen.ts';
import type { TokenSource } from '../../types/token-source.ts';
import { smtpError, type SmtpStage } from './errors.ts';
import { loginXoauth2, type LoginStep } from './xoauth2.ts';

export type SmtpAuth =
  | { kind: 'none' }
  | { kind: 'login'; username: string; password: string }
  | { kind: 'xoauth2'; username: string; tokens: TokenSource };

export interface SmtpSessionOptions {
  host: string;
  port: number;
  security: 'starttls' | 'tls' | 'none';
  auth: SmtpAuth;
  rejectUnauthorized: boolean;
  secureContext: SecureContext;
  timeoutMs: number;
}

export class SmtpSession {
  readonly #connection: SMTPConnection;
  readonly #options: SmtpSessionOptions;
  #alive = true;
  /** When the session last finished something (for the pool's idle limit). */
  lastUsed = Date.now();
  /** A step failed: the session is not reused (its state is the server's guess). */
  failed = false;
  /** How far the last send got: 'after-data' once the message's final "." went out. */
  lastStage: SmtpStage = 'session';
  /** XOAUTH2: when the token the session authenticated with expires (it is not kept past that). */
  authExpiresAt: Date | undefined;

  private constructor(connection: SMTPConnection, options: SmtpSessionOptions) {
    this.#connection = connection;
    this.#options = options;
    // Errors and closes while idle (the server's idle timeout) only retire the session.
    connection.on('error', () => { this.#alive = false; });
    connection.on('end', () => { this.#alive = false; });
  }

  get alive(): boolean {
    return this.#alive;
  }

  static async open(options: SmtpSessionOptions, signal?: AbortSignal): Promise<SmtpSession> {
    const { host, security, auth } = options;
    const connection = new SMTPConnection({
      host, port: options.port, secure: security === 'tls', requireTLS: security === 'starttls', ignoreTLS: security === 'none',
      connectionTimeout: options.timeoutMs, greetingTimeout: options.timeoutMs, socketTimeout: options.timeoutMs,
      logger: false, debug: false,
      tls: { rejectUnauthorized: options.rejectUnauthorized, secureContext: options.secureContext, ...(isIP(host) === 0 ? { servername: host } : {}) },
    });
    const session = new SmtpSession(connection, options);
    try {
      await session.#step('session', signal, (done) => connection.connect((err) => done(err ?? null)), () => connection.lastServerResponse === false);
      if (auth.kind === 'login') {
        await session.#step('session', signal, (done) => connection.login({ user: auth.username, pass: auth.password }, (err) => done(err)));
      } else if (auth.kind === 'xoauth2') {
        const login: LoginStep = (oauth2) => session.#step('session', signal, (done) => connection.login({ type: 'OAuth2', user: auth.username, oauth2 }, (err) => done(err)));
        const token = await loginXoauth2(auth.username, auth.tokens, login, () => session.alive, signal);
        session.failed = false;
        session.authExpiresAt = token.expiresAt;
      }
    } catch (err) {
      session.close();
      throw err;
    }
    return session;
  }

  /** MAIL FROM, RCPT TO for each recipient, DATA with `mime`; the server's 250 reply. */
  async send(from: string, to: readonly string[], mime: Buffer, signal?: AbortSignal): Promise<{ response: string; rejected: string[] }> {
    this.lastStage = 'envelope';
    const source = Readable.from([mime]);
    source.once('end', () => { this.lastStage = 'after-data'; });
    const info = await this.#step<{ response: string; rejected: string[] }>(() => this.lastStage, signal, (done) => this.#connection.send({ from, to: [...to], size: mime.length }, source, done));
    this.lastUsed = Date.now();
    return { response: info.response, rejected: info.rejected };
  }

  quit(): void {
    this.#alive = false;
    this.#connection.quit();
  }

  close(): void {
    this.#alive = false;
    this.#connection.close();
  }

  /**
   * Runs one callback-style step. nodemailer reports some failures (TLS, the connection during connect) as
   * an 'error' event instead of through the callback, and a close as 'end': either ends the step too. An
   * abort closes the connection.
   */
  #step<T>(stage: SmtpStage | (() => SmtpStage), signal: AbortSignal | undefined,
    run: (done: (err: Error | null, value?: T) => void) => void, silentServer?: () => boolean): Promise<T> {
    const stageNow = () => (typeof stage === 'function' ? stage() : stage);
    const connection = this.#connection;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const finish = (err: Error | null, value?: T) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        connection.off('error', onError);
        connection.off('end', onEnd);
        if (err) {
          this.failed = true;
          // Whichever of nodemailer's timers fired, a server that never said a word is not an SMTP server.
          if ((err as { code?: string }).code === 'ETIMEDOUT' && silentServer?.()) Object.assign(err, { timeoutType: 'GREETING_TIMEOUT' });
          reject(smtpError(err, formatAddress(this.#options.host, this.#options.port), stageNow(), signal));
        } else resolve(value as T);
      };
      const onAbort = () => { finish(new Error('aborted')); this.close(); };
      const onError = (err: Error) => finish(err);
      const onEnd = () => finish(Object.assign(new Error('Connection closed unexpectedly'), { code: 'ECONNECTION' }));
      if (signal?.aborted) {
        finish(new Error('aborted'));
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      connection.on('error', onError);
      connection.on('end', onEnd);
      run((err, value) => finish(err, value));
    });
  }
}
