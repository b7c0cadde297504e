// The SMTP submission port (settings `submission:`): any program that speaks SMTP hands the agent its
// notifications here. A message gets `250` only once it is in the durable spool (fsynced) after the same
// checks as `mail-agent send` (agent/queue/submit.ts); while no settings are live it is refused with 451
// (try later), never accepted silently. The port follows the newest valid settings file: a change of its
// section (or of its passwords or certificate) restarts it; the transport is not touched.
import type { AddressInfo } from 'node:net';
import type { SMTPServerOptions, SMTPServerSession } from 'smtp-server';
import { formatAddress, isLoopbackHost } from '../config/listen.ts';
import type { LoadedConfig, MessageSettings, SubmissionSettings } from '../config/settings.ts';
import type { Log } from '../log/types.ts';
import { sameSecret } from '../same-secret.ts';
import { isAddrSpec } from '../message/addresses.ts';
import { checkEnvelopeRecipient, checkEnvelopeSender } from '../message/submitted.ts';
import type { Spool } from '../queue/spool.ts';
import { submitMime } from '../queue/submit.ts';
import { readMessage } from '../smtp/read-message.ts';
import { OwnRepliesServer, smtpReply } from '../smtp/replies.ts';
import type { SubmissionStatus } from '../types/submission-status.ts';
import { notLive, refusal } from './replies.ts';

const MB = 1024 * 1024;

export interface SubmissionPortDeps {
  spool: Spool;
  /** The message options of the live settings and the account the transport signs in as; undefined while none are live. */
  live(): { message: MessageSettings; account?: string } | undefined;
  log: Log;
  /** A message was queued (the delivery worker wakes). */
  onAccepted(): void;
  onStatus(status: SubmissionStatus | undefined): void;
  now?: () => Date;
}


export class SubmissionPort {
  readonly #deps: SubmissionPortDeps;
  #server: OwnRepliesServer | undefined;
  #digest: string | undefined;
  #state: SubmissionStatus['state'] | undefined;
  /** apply() and stop() run one after another. */
  #queue: Promise<void> = Promise.resolve();

  constructor(deps: SubmissionPortDeps) {
    this.#deps = deps;
  }

  /** Opens, restarts or closes the port as these (valid) settings say. */
  apply(config: LoadedConfig): Promise<void> {
    this.#queue = this.#queue.then(() => this.#apply(config));
    return this.#queue;
  }

  stop(): Promise<void> {
    this.#queue = this.#queue.then(() => this.#close());
    return this.#queue;
  }

  /** Where it listens, while it does. */
  address(): AddressInfo | undefined {
    return this.#server?.server.address() as AddressInfo | undefined;
  }

  /**
   * What submissions are checked against: the live message options. Without a `message.from`, the account's
   * own address (when its name is one) is the default From, as the server would stamp it for `send`.
   */
  #messageSettings(): MessageSettings | undefined {
    const live = this.#deps.live();
    if (!live) return undefined;
    const { message, account } = live;
    return message.from === undefined && account !== undefined && isAddrSpec(account) ? { ...message, from: account } : message;
  }

  async #apply(config: LoadedConfig): Promise<void> {
    const sub = config.settings.submission;
    if (!sub) {
      if (this.#digest !== undefined) this.#deps.log.info('submission port closed: the settings no longer have one');
      await this.#close();
      this.#deps.onStatus(undefined);
      return;
    }
    // Unchanged and listening: nothing to do. Unchanged but failed (port in use): try again.
    if (config.submissionDigest === this.#digest && this.#state === 'Listening') return;
    await this.#close();
    this.#digest = config.submissionDigest;
    const base = { listen: sub.listen, tls: sub.tls !== undefined, auth: sub.users.length > 0, since: (this.#deps.now?.() ?? new Date()).toISOString() };
    try {
      const server = await this.#listen(sub, config);
      this.#server = server;
      this.#state = 'Listening';
      const bound = server.server.address() as AddressInfo;
      const address = formatAddress(bound.address, bound.port);
      this.#deps.log.info('submission port listening', { address, tls: base.tls, auth: base.auth });
      this.#deps.onStatus({ ...base, address, state: 'Listening' });
    } catch (err) {
      this.#state = 'Failed';
      const { reason, message } = listenFailure(err, sub);
      this.#deps.log.error('submission port not started', { listen: sub.listen, reason, error: message });
      this.#deps.onStatus({ ...base, state: 'Failed', reason, message });
    }
  }

  async #close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    this.#state = undefined;
    this.#digest = undefined;
    if (server) await new Promise<void>((resolve) => { server.close(() => resolve()); });
  }

  async #listen(sub: SubmissionSettings, config: LoadedConfig): Promise<OwnRepliesServer> {
    const secrets = config.secrets.submission;
    const tls = secrets?.tls;
    const requireAuth = sub.users.length > 0;
    // The loader refuses this already; the port checks again rather than open to the network.
    if (!isLoopbackHost(sub.host) && (!tls || !requireAuth)) throw Object.assign(new Error('beyond loopback without TLS and AUTH'), { code: 'SubmissionInsecure' });
    const passwords = secrets?.passwords ?? new Map<string, string>();
    const maxBytes = Math.floor(sub.maxMessageMB * MB);
    const options: SMTPServerOptions = {
      banner: 'mail-agent submission port', logger: false, disableReverseLookup: true, hideENHANCEDSTATUSCODES: false,
      size: maxBytes, rejectOversized: true, maxRecipients: 500, closeTimeout: 5_000,
      authMethods: ['PLAIN', 'LOGIN'], authOptional: !requireAuth, authRequiredMessage: '5.7.0 Authentication required',
      // With a certificate, AUTH only after STARTTLS (not even advertised before it); without one (loopback
      // only) there is nothing to start.
      ...(tls ? { key: tls.key, cert: tls.cert } : { disabledCommands: requireAuth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'], allowInsecureAuth: true }),
      onConnect: (session, callback) => {
        if (tls) session.disabledCommands = ['AUTH'];
        callback();
      },
      onSecure: (_socket, session, callback) => {
        session.disabledCommands = [];
        callback();
      },
      onAuth: (auth, _session, callback) => {
        const expected = auth.username === undefined ? undefined : passwords.get(auth.username);
        if ((auth.method === 'PLAIN' || auth.method === 'LOGIN') && expected !== undefined && sameSecret(auth.password ?? '', expected)) {
          callback(null, { user: auth.username });
        } else callback(smtpReply(535, '5.7.8 Authentication credentials invalid'));
      },
      onMailFrom: (address, _session, callback) => {
        const settings = this.#messageSettings();
        if (!settings) return callback(notLive);
        try {
          checkEnvelopeSender(address.address, settings);
          callback();
        } catch (err) {
          callback(refusal(err));
        }
      },
      onRcptTo: (address, _session, callback) => {
        try {
          checkEnvelopeRecipient(address.address);
          callback();
        } catch (err) {
          callback(smtpReply(501, `5.1.3 ${err instanceof Error ? err.message : 'not a valid e-mail address'}`));
        }
      },
      onData: (stream, session, callback) => {
        readMessage(stream, maxBytes)
          .then(async ({ data, oversized }) => {
            if (oversized) return callback(); // answered 552 5.3.4 by the server itself (rejectOversized)
            const settings = this.#messageSettings();
            if (!settings) return callback(notLive);
            const queued = await submitMime(this.#deps.spool, {
              mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              rcptTo: session.envelope.rcptTo.map((r) => r.address), mime: data,
            }, settings, { source: sourceOf(session), ...(this.#deps.now ? { now: this.#deps.now() } : {}) });
            this.#deps.onAccepted();
            this.#deps.log.debug('submission accepted', { id: queued.id, messageId: queued.messageId, client: session.remoteAddress });
            callback(null, `2.6.0 ${queued.messageId} queued as ${queued.id}`);
          })
          .catch((err: unknown) => {
            this.#deps.log.warn('submission refused', { client: session.remoteAddress, error: err instanceof Error ? err.message : 'unknown' });
            callback(refusal(err));
          });
      },
    };
    const server = new OwnRepliesServer(options, (code, _text, context) =>
      (code === 500 && context === 'AUTH' ? { code: 530, text: '5.7.0 Must issue a STARTTLS command first' } : undefined));
    // A connection's own trouble (a client resetting) is the client's; the port stays up.
    server.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(sub.port, sub.host, () => { server.server.off('error', reject); resolve(); });
    });
    return server;
  }
}

function sourceOf(session: SMTPServerSession) {
  const user = typeof session.user === 'string' ? session.user : undefined;
  return { via: 'smtp' as const, client: formatAddress(session.remoteAddress.replace(/^::ffff:/, ''), session.remotePort), ...(user ? { user } : {}) };
}

function listenFailure(err: unknown, sub: SubmissionSettings): { reason: string; message: string } {
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
  if (code === 'SubmissionInsecure') {
    return { reason: 'SubmissionInsecure', message: `${sub.listen} is beyond loopback: it needs tls and users; the port stays closed` };
  }
  const why = code === 'EADDRINUSE' ? 'the address is in use' : code === 'EACCES' ? 'permission denied (ports below 1024 need privileges)'
    : code === 'EADDRNOTAVAIL' ? 'no such local address' : 'listen failed';
  return { reason: 'ListenFailed', message: `cannot listen on ${sub.listen} (${code || 'error'}: ${why})` };
}
