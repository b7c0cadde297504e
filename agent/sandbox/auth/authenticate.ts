// Who is asking: Basic, Bearer, NTLM, or Negotiate — as IIS answers with the providers it is configured
// with (policy.ts). NTLM is bound to the TCP connection (once a connection has authenticated, later
// requests on it need no header). Negotiate speaks SPNEGO (negotiate.ts) and, like Windows, also takes a
// raw NTLM token under the Negotiate label. Extended Protection judges every NTLM AUTHENTICATE's channel
// binding against the server certificate's.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { AppAccess } from '../identity/access-tokens.ts';
import type { Account } from '../users.ts';
import type { CredentialChecker } from './credentials.ts';
import { NegotiateAcceptor } from './negotiate.ts';
import { bindingAccepted, bindingVerdict, DEFAULT_AUTH_SCHEMES, type AuthScheme, type BindingVerdict, type ExtendedProtection } from './policy.ts';

export type AuthOutcome =
  | {
    kind: 'ok'; account: Account; scheme: 'basic' | 'bearer' | 'ntlm' | 'negotiate';
    /** Negotiate's final token (accept-completed, with the server's mechListMIC), sent with the answer. */
    wwwAuthenticate?: string;
  }
  /** An app-only token of the identity platform: the mailbox comes from the request (ExchangeImpersonation). */
  | { kind: 'app'; access: AppAccess; scheme: 'bearer' }
  /** 401 with these WWW-Authenticate values (an NTLM Type2, a SPNEGO token, or the list of schemes). */
  | { kind: 'challenge'; wwwAuthenticate: string[] };

/** What an NTLM AUTHENTICATE proved, and what it carried. */
export interface NtlmResult {
  account: Account;
  /** MsvAvChannelBindings as the client sent it (absent: undefined). */
  channelBindings?: Buffer;
  /** MsvAvTargetName, e.g. HTTP/mail.contoso.com */
  targetName?: string;
  withMic: boolean;
  exportedSessionKey: Buffer;
  keyExchange: boolean;
}

/** The NTLM server side, per connection (ntlm-server.ts). */
export interface NtlmAcceptor {
  /** A Type1 arrived: the Type2 to send back, remembered for this socket. */
  negotiate(socket: Socket, type1: Buffer): Buffer;
  /** A Type3 arrived: what it proves, or undefined. */
  authenticate(socket: Socket, type3: Buffer): Promise<NtlmResult | undefined>;
}

/** One authentication decision, for tests and diagnostics (never a credential). */
export interface AuthEvent {
  scheme: 'basic' | 'bearer' | 'ntlm' | 'negotiate';
  /** Negotiate: SPNEGO-wrapped (true) or a raw NTLM token (false). */
  spnego?: boolean;
  ok: boolean;
  reason?: string;
  account?: string;
  targetName?: string;
  channelBinding?: BindingVerdict;
}

export interface AuthPolicy {
  schemes?: readonly AuthScheme[];
  extendedProtection?: ExtendedProtection;
  /** MsvAvChannelBindings the server expects (its certificate's tls-server-end-point); none over plain HTTP. */
  channelBindings?: Buffer;
  onAuth?: (event: AuthEvent) => void;
}

export class Authenticator {
  readonly #connections = new WeakMap<Socket, Account>();

  readonly credentials: CredentialChecker;
  readonly ntlm: NtlmAcceptor | undefined;
  readonly realm: string;
  readonly policy: Required<Pick<AuthPolicy, 'schemes' | 'extendedProtection'>> & AuthPolicy;
  readonly #negotiate: NegotiateAcceptor | undefined;

  constructor(credentials: CredentialChecker, ntlm: NtlmAcceptor | undefined, realm: string, policy: AuthPolicy = {}) {
    this.credentials = credentials;
    this.ntlm = ntlm;
    this.realm = realm;
    this.policy = { ...policy, schemes: policy.schemes ?? DEFAULT_AUTH_SCHEMES, extendedProtection: policy.extendedProtection ?? 'off' };
    const negotiate = this.policy.schemes.find((s) => s === 'negotiate' || s === 'negotiate:kerberos');
    this.#negotiate = negotiate
      ? new NegotiateAcceptor(ntlm, negotiate === 'negotiate', (result, spnego) => this.#judge(result, 'negotiate', spnego), (event) => this.policy.onAuth?.(event))
      : undefined;
  }

  /** The WWW-Authenticate values of a 401, in the configured order. */
  schemes(): string[] {
    return this.policy.schemes.flatMap((s) => {
      if (s === 'ntlm') return this.ntlm ? ['NTLM'] : [];
      if (s === 'basic') return [`Basic realm="${this.realm}"`];
      if (s === 'bearer') return ['Bearer'];
      return s === 'negotiate:kerberos' || this.ntlm ? ['Negotiate'] : [];
    }).filter((v, i, all) => all.indexOf(v) === i);
  }

  /** The EXPR AuthPackage Autodiscover names: the first Windows scheme offered, else Basic. */
  authPackage(): string {
    for (const s of this.policy.schemes) {
      if (s === 'ntlm') return 'Ntlm';
      if (s === 'negotiate') return 'Negotiate';
      if (s === 'negotiate:kerberos') return 'Kerb';
    }
    return 'Basic';
  }

  async authenticate(req: IncomingMessage): Promise<AuthOutcome> {
    const header = req.headers.authorization;
    const socket = req.socket;
    const space = header?.indexOf(' ') ?? -1;
    const scheme = header && space > 0 ? header.slice(0, space).toLowerCase() : (header ?? '').toLowerCase();
    const value = header && space > 0 ? header.slice(space + 1).trim() : '';
    const allowed = this.policy.schemes;
    if (scheme === 'basic' && allowed.includes('basic')) {
      const account = this.credentials.basic(value);
      this.policy.onAuth?.({ scheme: 'basic', ok: !!account, ...(account ? { account: account.username } : { reason: 'wrong user or password' }) });
      if (account) return { kind: 'ok', account, scheme: 'basic' };
    } else if (scheme === 'bearer' && allowed.includes('bearer')) {
      const checked = await this.credentials.bearer(value);
      this.policy.onAuth?.({ scheme: 'bearer', ok: checked.kind === 'user' || checked.kind === 'app',
        ...(checked.kind === 'user' ? { account: checked.account.username } : checked.kind === 'app' ? {} : { reason: checked.kind === 'refused' ? checked.why : 'unknown token' }) });
      if (checked.kind === 'user') return { kind: 'ok', account: checked.account, scheme: 'bearer' };
      if (checked.kind === 'app') return { kind: 'app', access: checked.access, scheme: 'bearer' };
      if (checked.kind === 'refused') {
        // As Exchange Online says it: the token itself is the problem, a new one may do.
        return { kind: 'challenge', wwwAuthenticate: [...this.schemes().filter((s) => s !== 'Bearer'), `Bearer error="invalid_token", error_description="${checked.why}"`] };
      }
    } else if (scheme === 'ntlm' && allowed.includes('ntlm') && this.ntlm) {
      return this.#remember(socket, await this.#rawNtlm(socket, value, 'NTLM'));
    } else if (scheme === 'negotiate' && this.#negotiate) {
      const outcome = await this.#negotiate.accept(socket, Buffer.from(value, 'base64'), this.schemes());
      if (outcome.kind === 'ok' || outcome.kind === 'challenge') return this.#remember(socket, outcome);
      return this.#remember(socket, await this.#rawNtlm(socket, value, 'Negotiate'));
    } else if (!header) {
      const account = this.#connections.get(socket);
      if (account) return { kind: 'ok', account, scheme: 'ntlm' };
    }
    return { kind: 'challenge', wwwAuthenticate: this.schemes() };
  }

  #remember(socket: Socket, outcome: AuthOutcome): AuthOutcome {
    if (outcome.kind === 'ok') this.#connections.set(socket, outcome.account);
    return outcome;
  }

  /** NTLM messages as they are, under the NTLM label or (as Windows accepts them) the Negotiate one. */
  async #rawNtlm(socket: Socket, value: string, label: 'NTLM' | 'Negotiate'): Promise<AuthOutcome> {
    const ntlm = this.ntlm;
    const message = Buffer.from(value, 'base64');
    const type = message.length >= 12 ? message.readUInt32LE(8) : 0;
    if (ntlm && type === 1) {
      try {
        return { kind: 'challenge', wwwAuthenticate: [`${label} ${ntlm.negotiate(socket, message).toString('base64')}`] };
      } catch {
        return { kind: 'challenge', wwwAuthenticate: this.schemes() };
      }
    }
    if (ntlm && type === 3) {
      const account = this.#judge(await ntlm.authenticate(socket, message), label === 'NTLM' ? 'ntlm' : 'negotiate', false);
      if (account) return { kind: 'ok', account, scheme: label === 'NTLM' ? 'ntlm' : 'negotiate' };
    }
    return { kind: 'challenge', wwwAuthenticate: this.schemes() };
  }

  /** Extended Protection on a verified AUTHENTICATE: the account when it may in, else undefined. */
  #judge(result: NtlmResult | undefined, scheme: 'ntlm' | 'negotiate', spnego: boolean): Account | undefined {
    const event = { scheme, ...(scheme === 'negotiate' ? { spnego } : {}) };
    if (!result) {
      this.policy.onAuth?.({ ...event, ok: false, reason: 'wrong user or password' });
      return undefined;
    }
    const verdict = bindingVerdict(result.channelBindings, this.policy.channelBindings);
    const ok = bindingAccepted(this.policy.extendedProtection, verdict);
    this.policy.onAuth?.({
      ...event, ok, account: result.account.username, channelBinding: verdict,
      ...(result.targetName !== undefined ? { targetName: result.targetName } : {}),
      ...(ok ? {} : { reason: verdict === 'absent' ? 'extended protection requires a channel binding' : 'channel binding does not match the certificate' }),
    });
    return ok ? result.account : undefined;
  }
}

/** Negotiate's final token goes out with the answer it authenticated (RFC 4559 §5). */
export function sendAuthResult(res: ServerResponse, outcome: AuthOutcome): void {
  if (outcome.kind === 'ok' && outcome.wwwAuthenticate) res.setHeader('www-authenticate', outcome.wwwAuthenticate);
}
