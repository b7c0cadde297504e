// Who is asking: Basic, Bearer, or NTLM (the handshake bound to the TCP connection, as IIS does it:
// once a connection has authenticated, later requests on it need no header).
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { AppAccess } from '../identity/access-tokens.ts';
import type { Account } from '../users.ts';
import type { CredentialChecker } from './credentials.ts';

export type AuthOutcome =
  | { kind: 'ok'; account: Account; scheme: 'basic' | 'bearer' | 'ntlm' }
  /** An app-only token of the identity platform: the mailbox comes from the request (ExchangeImpersonation). */
  | { kind: 'app'; access: AppAccess; scheme: 'bearer' }
  /** 401 with these WWW-Authenticate values (an NTLM Type2, or the list of schemes). */
  | { kind: 'challenge'; wwwAuthenticate: string[] };

/** The NTLM server side, per connection (agent/ntlm/server.ts). */
export interface NtlmAcceptor {
  /** A Type1 arrived: the Type2 to send back, remembered for this socket. */
  negotiate(socket: Socket, type1: Buffer): Buffer;
  /** A Type3 arrived: the account it proves, or undefined. */
  authenticate(socket: Socket, type3: Buffer): Promise<Account | undefined>;
}

export class Authenticator {
  readonly #connections = new WeakMap<Socket, Account>();

  readonly credentials: CredentialChecker;
  readonly ntlm: NtlmAcceptor | undefined;
  readonly realm: string;

  constructor(credentials: CredentialChecker, ntlm: NtlmAcceptor | undefined, realm: string) {
    this.credentials = credentials;
    this.ntlm = ntlm;
    this.realm = realm;
  }

  schemes(): string[] {
    return [...(this.ntlm ? ['NTLM'] : []), `Basic realm="${this.realm}"`, 'Bearer'];
  }

  async authenticate(req: IncomingMessage): Promise<AuthOutcome> {
    const header = req.headers.authorization;
    const socket = req.socket;
    const space = header?.indexOf(' ') ?? -1;
    const scheme = header && space > 0 ? header.slice(0, space).toLowerCase() : '';
    const value = header && space > 0 ? header.slice(space + 1).trim() : '';
    if (scheme === 'basic') {
      const account = this.credentials.basic(value);
      if (account) return { kind: 'ok', account, scheme: 'basic' };
    } else if (scheme === 'bearer') {
      const checked = await this.credentials.bearer(value);
      if (checked.kind === 'user') return { kind: 'ok', account: checked.account, scheme: 'bearer' };
      if (checked.kind === 'app') return { kind: 'app', access: checked.access, scheme: 'bearer' };
      if (checked.kind === 'refused') {
        // As Exchange Online says it: the token itself is the problem, a new one may do.
        return { kind: 'challenge', wwwAuthenticate: [...this.schemes().filter((s) => s !== 'Bearer'), `Bearer error="invalid_token", error_description="${checked.why}"`] };
      }
    } else if ((scheme === 'ntlm' || scheme === 'negotiate') && this.ntlm) {
      const message = Buffer.from(value, 'base64');
      const type = message.length >= 12 ? message.readUInt32LE(8) : 0;
      if (type === 1) {
        try {
          // Answer in the scheme asked in (raw NTLM inside Negotiate, as Windows clients may send it).
          const name = scheme === 'negotiate' ? 'Negotiate' : 'NTLM';
          return { kind: 'challenge', wwwAuthenticate: [`${name} ${this.ntlm.negotiate(socket, message).toString('base64')}`] };
        } catch {
          return { kind: 'challenge', wwwAuthenticate: this.schemes() };
        }
      }
      if (type === 3) {
        const account = await this.ntlm.authenticate(socket, message);
        if (account) {
          this.#connections.set(socket, account);
          return { kind: 'ok', account, scheme: 'ntlm' };
        }
      }
    } else if (!header) {
      const account = this.#connections.get(socket);
      if (account) return { kind: 'ok', account, scheme: 'ntlm' };
    }
    return { kind: 'challenge', wwwAuthenticate: this.schemes() };
  }
}
