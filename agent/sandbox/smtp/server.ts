// The sandbox's SMTP submission port (smtp-server), behaving like Exchange's: STARTTLS with the sandbox's
// certificate; AUTH LOGIN and XOAUTH2 offered only once TLS is up (PLAIN is not offered, as Exchange
// does not); MAIL FROM from an anonymous client is refused with 530 5.7.57 unless it connects from an
// address allowed to relay; any recipient once authenticated; the sender's rights checked after DATA;
// SIZE announced and enforced. Deliveries go to the same mailboxes and deliveries.jsonl as EWS.
import type { AddressInfo } from 'node:net';
import type { SMTPServerOptions, SMTPServerSession } from 'smtp-server';
import { OwnRepliesServer, smtpReply } from '../../smtp/replies.ts';
import { readMessage } from '../../smtp/read-message.ts';
import type { CredentialChecker } from '../auth/credentials.ts';
import type { MailboxStore } from '../mailbox/store.ts';
import type { Account } from '../users.ts';
import { smtpLogin } from './auth.ts';
import { exchangeReplies, exchangeReword } from './exchange-replies.ts';
import { submitSmtp } from './submit.ts';

/** Exchange's default maximum message size for client submission (35 MB): what `SIZE` announces. */
export const DEFAULT_SMTP_MAX_BYTES = 36_700_160;

export interface SmtpPortOptions {
  host: string;
  port: number;
  /** Without it (the sandbox's --http), no STARTTLS, and AUTH is offered in the clear. */
  tls?: { certPem: string; keyPem: string };
  credentials: CredentialChecker;
  store: MailboxStore;
  hostname: string;
  now: () => Date;
  maxMessageBytes?: number;
  /** Client addresses allowed to send without AUTH (an anonymous relay connector's remote IP ranges). */
  relayFrom?: readonly string[];
}

export interface SmtpPort {
  host: string;
  port: number;
  close(): Promise<void>;
}

const normalizeIp = (ip: string) => ip.replace(/^::ffff:/, '').toLowerCase();

export async function startSmtpPort(options: SmtpPortOptions): Promise<SmtpPort> {
  const relay = new Set((options.relayFrom ?? []).map(normalizeIp));
  const maxBytes = options.maxMessageBytes ?? DEFAULT_SMTP_MAX_BYTES;
  const accountOf = (session: SMTPServerSession) => session.user as Account | undefined;
  const secured = (session: SMTPServerSession) => { session.disabledCommands = []; };
  const serverOptions: SMTPServerOptions = {
    name: options.hostname,
    banner: 'Microsoft ESMTP MAIL Service ready (mail-agent sandbox)',
    heloResponse: '%s Hello %s', closeTimeout: 500,
    logger: false, disableReverseLookup: true, hideENHANCEDSTATUSCODES: false,
    size: maxBytes, rejectOversized: true,
    authMethods: ['LOGIN', 'XOAUTH2'], authOptional: true,
    ...(options.tls ? { key: options.tls.keyPem, cert: options.tls.certPem } : { disabledCommands: ['STARTTLS'], allowInsecureAuth: true }),
    onConnect(session, callback) {
      // No AUTH before STARTTLS (Exchange's BasicAuthRequireTLS): not advertised, and refused as unknown.
      if (options.tls) session.disabledCommands = ['AUTH'];
      callback();
    },
    onSecure(_socket, session, callback) {
      secured(session);
      callback();
    },
    onAuth(auth, _session, callback) {
      smtpLogin(options.credentials, auth)
        .then((result) => { if (result instanceof Error) callback(result); else callback(null, { user: result }); })
        .catch((err: unknown) => { callback(err instanceof Error ? err : new Error(String(err))); });
    },
    onMailFrom(_address, session, callback) {
      if (!accountOf(session) && !relay.has(normalizeIp(session.remoteAddress))) {
        callback(smtpReply(exchangeReplies.authRequired.code, exchangeReplies.authRequired.text));
      } else callback();
    },
    onData(stream, session, callback) {
      readMessage(stream, maxBytes)
        .then(async ({ data, oversized }) => {
          if (oversized) return callback(); // the server answers 552 5.3.4 itself (rejectOversized)
          const envelope = {
            mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            rcptTo: session.envelope.rcptTo.map((r) => r.address),
          };
          const reply = await submitSmtp({ store: options.store, now: options.now, hostname: options.hostname }, accountOf(session), envelope, data);
          callback(null, reply);
        })
        .catch((err: unknown) => {
          callback(err instanceof Error && 'responseCode' in err ? err : smtpReply(451, '4.3.2 System not accepting network messages'));
        });
    },
  };
  const server = new OwnRepliesServer(serverOptions, exchangeReword);
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port, options.host, () => { server.server.off('error', reject); resolve(); });
  });
  // A connection's own errors (a client resetting) are the client's business, not the sandbox's end.
  server.on('error', () => undefined);
  const { port } = server.server.address() as AddressInfo;
  return {
    host: options.host, port,
    close: () => new Promise<void>((resolve) => { server.close(() => resolve()); }),
  };
}
