// The client side of NTLMv2, as plain functions for the EWS transport: createType1() for the first
// request, createType3(type2, creds) for the second, both base64 as they go in `Authorization: NTLM …`.
// The AUTHENTICATE message carries the channel binding (MsvAvChannelBindings: Extended Protection) and the
// service name (MsvAvTargetName, `HTTP/<host>`) when given ([MS-NLMP] 3.1.5.1.2).
import { randomBytes } from 'node:crypto';
import { fileTime, hmacMd5, lmv2Response, ntlmv2Blob, ntlmv2Response, ntowfv2 } from './crypto.ts';
import { AV_FLAG_MIC, AvId, Flags } from './flags.ts';
import { decodeAvPairs, decodeChallenge, encodeAuthenticate, encodeAvPairs, encodeNegotiate, MIC_OFFSET } from './messages.ts';

export interface NtlmCredentials {
  /** `DOMAIN\user`, `user@domain` (sent as a UPN with an empty domain, as Windows does) or `user`. */
  username: string;
  /** Used when `username` names no domain itself. */
  domain?: string;
  password: string;
  workstation?: string;
}

// SIGN: SPNEGO's mechListMIC is an NTLM signature, which needs a negotiated signing key.
const CLIENT_FLAGS = Flags.UNICODE | Flags.OEM | Flags.REQUEST_TARGET | Flags.SIGN | Flags.NTLM | Flags.ALWAYS_SIGN |
  Flags.EXTENDED_SESSIONSECURITY | Flags.N128 | Flags.N56;

/** The NEGOTIATE message. */
export function type1Message(): Buffer {
  return encodeNegotiate(CLIENT_FLAGS);
}

/** The NEGOTIATE message, base64. */
export function createType1(): string {
  return type1Message().toString('base64');
}

/** `DOMAIN\user` → (user, DOMAIN); `user@domain` stays whole with no domain; else the given domain. */
export function splitNtlmUser(username: string, domain = ''): { user: string; domain: string } {
  const slash = username.indexOf('\\');
  if (slash >= 0) return { user: username.slice(slash + 1), domain: username.slice(0, slash) };
  return { user: username, domain };
}

export interface Type3Options {
  /** Injected for known-answer tests. */
  clientChallenge?: Buffer;
  now?: () => number;
  /** The NEGOTIATE actually sent, for the MIC (defaults to type1Message()). */
  type1?: Buffer;
  /** MsvAvChannelBindings: the MD5 of the channel bindings (16 zero bytes: none). */
  channelBindings?: Buffer;
  /** MsvAvTargetName: the service principal name, e.g. HTTP/mail.contoso.com */
  targetName?: string;
}

export interface Authentication {
  message: Buffer;
  /** The key both sides derive (no key exchange here: the session base key), for SPNEGO's mechListMIC. */
  exportedSessionKey: Buffer;
  /** Whether the message carries a MIC (then SPNEGO wants a mechListMIC, as Windows does). */
  withMic: boolean;
}

/** The AUTHENTICATE message answering `type2`, as raw bytes. */
export function type3Message(type2: Buffer, creds: NtlmCredentials, options: Type3Options = {}): Buffer {
  return authenticate(type2, creds, options).message;
}

/** The AUTHENTICATE message answering `type2`, with the session key it established. */
export function authenticate(type2: Buffer, creds: NtlmCredentials, options: Type3Options = {}): Authentication {
  const challenge = decodeChallenge(type2);
  const { user, domain } = splitNtlmUser(creds.username, creds.domain);
  const clientChallenge = options.clientChallenge ?? randomBytes(8);
  const pairs = decodeAvPairs(challenge.targetInfo.length ? challenge.targetInfo : Buffer.alloc(4));
  const serverTime = pairs.get(AvId.Timestamp);
  // With a server timestamp the client sends a MIC and says so in MsvAvFlags ([MS-NLMP] 3.1.5.1.2).
  const withMic = serverTime !== undefined;
  if (withMic) {
    const flags = Buffer.alloc(4);
    flags.writeUInt32LE(((pairs.get(AvId.Flags)?.readUInt32LE(0) ?? 0) | AV_FLAG_MIC) >>> 0);
    pairs.set(AvId.Flags, flags);
  }
  if (options.channelBindings) pairs.set(AvId.ChannelBindings, options.channelBindings);
  if (options.targetName !== undefined) pairs.set(AvId.TargetName, Buffer.from(options.targetName, 'utf16le'));
  const key = ntowfv2(creds.password, user, domain);
  const blob = ntlmv2Blob(serverTime ?? fileTime((options.now ?? Date.now)()), clientChallenge, encodeAvPairs(pairs));
  const { ntResponse, sessionBaseKey } = ntlmv2Response(key, challenge.serverChallenge, blob);
  const flags = ((challenge.flags & CLIENT_FLAGS) | Flags.UNICODE | (withMic ? Flags.VERSION : 0)) & ~Flags.OEM;
  const message = encodeAuthenticate({
    flags, domain, user, workstation: creds.workstation ?? '',
    lmResponse: withMic ? Buffer.alloc(24) : lmv2Response(key, challenge.serverChallenge, clientChallenge),
    ntResponse, encryptedSessionKey: Buffer.alloc(0),
  }, withMic);
  if (withMic) {
    // No key exchange: the exported session key is the session base key.
    hmacMd5(sessionBaseKey, options.type1 ?? type1Message(), type2, message).copy(message, MIC_OFFSET);
  }
  return { message, exportedSessionKey: sessionBaseKey, withMic };
}

/** The AUTHENTICATE message answering `type2` (base64 or bytes), base64. */
export function createType3(type2: string | Buffer, creds: NtlmCredentials, options: Type3Options = {}): string {
  const raw = typeof type2 === 'string' ? Buffer.from(type2, 'base64') : type2;
  return type3Message(raw, creds, options).toString('base64');
}
