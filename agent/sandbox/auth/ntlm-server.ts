// The server side of NTLMv2, as the sandbox uses it: a Type2 challenge remembered per TCP connection,
// then the Type3 verified against the account's password (NTProofStr, and the MIC when the client sent one).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Socket } from 'node:net';
import type { NtlmAcceptor, NtlmResult } from './authenticate.ts';
import { findAccount, type Directory } from '../users.ts';
import { fileTime, hmacMd5, ntlmv2Response, ntowfv2, rc4 } from '../../ntlm/crypto.ts';
import { AV_FLAG_MIC, AvId, Flags } from '../../ntlm/flags.ts';
import { decodeAuthenticate, decodeAvPairs, decodeNegotiate, encodeAvPairs, encodeChallenge, MIC_OFFSET, type Authenticate, type AvPairs } from '../../ntlm/messages.ts';

interface Pending { type1: Buffer; type2: Buffer; serverChallenge: Buffer }

const SERVER_FLAGS = Flags.UNICODE | Flags.REQUEST_TARGET | Flags.NTLM | Flags.ALWAYS_SIGN | Flags.TARGET_TYPE_DOMAIN |
  Flags.EXTENDED_SESSIONSECURITY | Flags.TARGET_INFO | Flags.VERSION | Flags.N128 | Flags.N56;
// Echoed back when the client asks for them.
const OPTIONAL_FLAGS = Flags.SIGN | Flags.SEAL | Flags.KEY_EXCH;

function utf16(s: string): Buffer {
  return Buffer.from(s, 'utf16le');
}

export interface NtlmServerOptions {
  /** NetBIOS domain name the challenge names (default SANDBOX). */
  domain?: string;
  now?: () => number;
}

/** What a verified AUTHENTICATE message established. */
export interface Verified {
  /** The client's AV pairs (from its NTLMv2 blob): MsvAvChannelBindings, MsvAvTargetName, … */
  pairs: AvPairs;
  exportedSessionKey: Buffer;
  keyExchange: boolean;
  withMic: boolean;
}

/** Checks an AUTHENTICATE message against `password`; pure, for tests and for the acceptor. */
export function verifyAuthenticate(auth: Authenticate, raw: Buffer, pending: Pending, password: string): Verified | undefined {
  if (auth.ntResponse.length <= 24) return undefined; // NTLMv1 is refused
  const key = ntowfv2(password, auth.user, auth.domain);
  const blob = auth.ntResponse.subarray(16);
  const { ntProofStr, sessionBaseKey } = ntlmv2Response(key, pending.serverChallenge, blob);
  if (!timingSafeEqual(ntProofStr, auth.ntResponse.subarray(0, 16))) return undefined;
  let pairs;
  try {
    pairs = decodeAvPairs(blob.subarray(28));
  } catch {
    return undefined;
  }
  const keyExchange = (auth.flags & Flags.KEY_EXCH) !== 0 && (auth.flags & (Flags.SIGN | Flags.SEAL)) !== 0 && auth.encryptedSessionKey.length === 16;
  const exportedSessionKey = keyExchange ? rc4(sessionBaseKey, auth.encryptedSessionKey) : sessionBaseKey;
  const avFlags = pairs.get(AvId.Flags);
  const withMic = avFlags !== undefined && avFlags.length >= 4 && (avFlags.readUInt32LE(0) & AV_FLAG_MIC) !== 0;
  if (!withMic) return { pairs, exportedSessionKey, keyExchange, withMic };
  if (!auth.mic) return undefined;
  const zeroed = Buffer.from(raw);
  zeroed.fill(0, MIC_OFFSET, MIC_OFFSET + 16);
  if (!timingSafeEqual(hmacMd5(exportedSessionKey, pending.type1, pending.type2, zeroed), auth.mic)) return undefined;
  return { pairs, exportedSessionKey, keyExchange, withMic };
}

export function createNtlmAcceptor(directory: Directory, hostname: string, options: NtlmServerOptions = {}): NtlmAcceptor {
  const pending = new WeakMap<Socket, Pending>();
  const domain = (options.domain ?? 'SANDBOX').toUpperCase();
  const computer = (hostname.split('.')[0] ?? 'SANDBOX').toUpperCase().slice(0, 15);
  const now = options.now ?? Date.now;
  return {
    negotiate(socket: Socket, type1: Buffer): Buffer {
      const asked = decodeNegotiate(type1).flags;
      const serverChallenge = randomBytes(8);
      const targetInfo = encodeAvPairs(new Map([
        [AvId.NbDomainName, utf16(domain)],
        [AvId.NbComputerName, utf16(computer)],
        [AvId.DnsDomainName, utf16(hostname)],
        [AvId.DnsComputerName, utf16(hostname)],
        [AvId.Timestamp, fileTime(now())],
      ]));
      const type2 = encodeChallenge({ flags: SERVER_FLAGS | (asked & OPTIONAL_FLAGS), targetName: domain, serverChallenge, targetInfo });
      pending.set(socket, { type1, type2, serverChallenge });
      return type2;
    },
    authenticate(socket: Socket, type3: Buffer): Promise<NtlmResult | undefined> {
      const state = pending.get(socket);
      pending.delete(socket); // a challenge answers once
      if (!state) return Promise.resolve(undefined);
      try {
        const auth = decodeAuthenticate(type3);
        const account = findAccount(directory, auth.user, auth.domain);
        const verified = account ? verifyAuthenticate(auth, type3, state, account.password) : undefined;
        if (!account || !verified) return Promise.resolve(undefined);
        const bindings = verified.pairs.get(AvId.ChannelBindings);
        const target = verified.pairs.get(AvId.TargetName);
        return Promise.resolve({
          account, withMic: verified.withMic, exportedSessionKey: verified.exportedSessionKey, keyExchange: verified.keyExchange,
          ...(bindings ? { channelBindings: Buffer.from(bindings) } : {}),
          ...(target ? { targetName: target.toString('utf16le') } : {}),
        });
      } catch {
        return Promise.resolve(undefined);
      }
    },
  };
}
