// The Negotiate provider as IIS runs it: SPNEGO (RFC 4178, RFC 4559) with NTLM as the mechanism the
// sandbox can verify (it has no KDC). NegTokenInit → NegTokenResp(accept-incomplete, NTLM, CHALLENGE);
// NegTokenResp(AUTHENTICATE) → 200 with NegTokenResp(accept-completed). When the AUTHENTICATE carries a
// MIC the initiator's mechListMIC is required and checked, as Windows does ([MS-SPNG] 3.3.5.1), and the
// server answers with its own. Kerberos-only (IIS "Negotiate:Kerberos"): NTLM is refused, SPNEGO with
// negState reject, a raw NTLM token with no challenge at all.
import type { Socket } from 'node:net';
import { DerError } from '../../der.ts';
import { messageSignature } from '../../ntlm/signing.ts';
import { decodeNegotiationToken, encodeNegTokenResp, isRawNtlm, NegState, Oids, type NegTokenResp } from '../../ntlm/spnego.ts';
import type { Account } from '../users.ts';
import type { AuthEvent, AuthOutcome, NtlmAcceptor, NtlmResult } from './authenticate.ts';

/** `raw`: a bare NTLM token under the Negotiate label, for the NTLM path to handle. */
export type NegotiateOutcome = AuthOutcome | { kind: 'raw' };

const answer = (resp: NegTokenResp): string => `Negotiate ${encodeNegTokenResp(resp).toString('base64')}`;

export class NegotiateAcceptor {
  readonly #pending = new WeakMap<Socket, Buffer>();
  readonly #ntlm: NtlmAcceptor | undefined;
  readonly #ntlmAllowed: boolean;
  readonly #judge: (result: NtlmResult | undefined, spnego: boolean) => Account | undefined;
  readonly #refused: (event: AuthEvent) => void;

  constructor(ntlm: NtlmAcceptor | undefined, ntlmAllowed: boolean, judge: (result: NtlmResult | undefined, spnego: boolean) => Account | undefined,
    refused: (event: AuthEvent) => void = () => undefined) {
    this.#ntlm = ntlm;
    this.#ntlmAllowed = ntlmAllowed && ntlm !== undefined;
    this.#judge = judge;
    this.#refused = refused;
  }

  async accept(socket: Socket, token: Buffer, schemes: string[]): Promise<NegotiateOutcome> {
    const again: AuthOutcome = { kind: 'challenge', wwwAuthenticate: schemes };
    if (isRawNtlm(token)) return this.#ntlmAllowed ? { kind: 'raw' } : again;
    let decoded;
    try {
      decoded = decodeNegotiationToken(token);
    } catch (err) {
      if (err instanceof DerError) return again;
      throw err;
    }
    const ntlm = this.#ntlm;
    if ('init' in decoded) {
      const { mechTypes, mechTypesDer, mechToken } = decoded.init;
      if (!this.#ntlmAllowed || !ntlm || !mechTypes.includes(Oids.ntlm)) {
        this.#refused({ scheme: 'negotiate', spnego: true, ok: false, reason: `no mechanism the server accepts in [${mechTypes.join(', ')}]` });
        return { kind: 'challenge', wwwAuthenticate: [answer({ negState: NegState.reject })] };
      }
      this.#pending.set(socket, mechTypesDer);
      // The initiator's optimistic token is for its first mechanism; when that is not NTLM, ask for NTLM's.
      if (mechTypes[0] !== Oids.ntlm || !mechToken || !isRawNtlm(mechToken)) {
        return { kind: 'challenge', wwwAuthenticate: [answer({ negState: NegState.acceptIncomplete, supportedMech: Oids.ntlm })] };
      }
      const challenge = ntlm.negotiate(socket, mechToken);
      return { kind: 'challenge', wwwAuthenticate: [answer({ negState: NegState.acceptIncomplete, supportedMech: Oids.ntlm, responseToken: challenge })] };
    }
    const mechTypesDer = this.#pending.get(socket);
    const inner = decoded.resp.responseToken;
    if (!ntlm || !mechTypesDer || !inner || !isRawNtlm(inner) || inner.length < 12) return again;
    if (inner.readUInt32LE(8) === 1) {
      return { kind: 'challenge', wwwAuthenticate: [answer({ negState: NegState.acceptIncomplete, responseToken: ntlm.negotiate(socket, inner) })] };
    }
    this.#pending.delete(socket);
    const result = await ntlm.authenticate(socket, inner);
    if (result?.withMic) {
      const expected = messageSignature(result.exportedSessionKey, 'client', mechTypesDer, result.keyExchange);
      if (!decoded.resp.mechListMIC?.equals(expected)) {
        this.#refused({ scheme: 'negotiate', spnego: true, ok: false, account: result.account.username, reason: decoded.resp.mechListMIC ? 'mechListMIC does not verify' : 'mechListMIC missing (the NTLM message has a MIC)' });
        return again;
      }
    }
    const account = this.#judge(result, true);
    if (!account || !result) return again;
    const mic = result.withMic ? messageSignature(result.exportedSessionKey, 'server', mechTypesDer, result.keyExchange) : undefined;
    return { kind: 'ok', account, scheme: 'negotiate', wwwAuthenticate: answer({ negState: NegState.acceptCompleted, ...(mic ? { mechListMIC: mic } : {}) }) };
  }
}
