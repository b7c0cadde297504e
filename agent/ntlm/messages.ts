// The three NTLM messages ([MS-NLMP] 2.2.1): encode and decode. Decoding checks every field's bounds,
// since a server reads these from anyone who connects.
import { AvId, Flags } from './flags.ts';

const SIGNATURE = Buffer.from('NTLMSSP\0', 'latin1');
/** The VERSION structure we send: Windows 10.0 build 19041, NTLM revision 15. */
const OUR_VERSION = Buffer.from([10, 0, 0x61, 0x4a, 0, 0, 0, 15]);

export class NtlmFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NtlmFormatError';
  }
}

export function messageType(message: Buffer): number {
  if (message.length < 12 || !message.subarray(0, 8).equals(SIGNATURE)) throw new NtlmFormatError('not an NTLM message');
  return message.readUInt32LE(8);
}

function field(message: Buffer, at: number): Buffer {
  if (message.length < at + 8) throw new NtlmFormatError('truncated NTLM message');
  const len = message.readUInt16LE(at);
  const offset = message.readUInt32LE(at + 4);
  if (len === 0) return Buffer.alloc(0);
  if (offset + len > message.length) throw new NtlmFormatError('NTLM field out of bounds');
  return message.subarray(offset, offset + len);
}

function text(bytes: Buffer, unicode: boolean): string {
  return bytes.toString(unicode ? 'utf16le' : 'latin1');
}

/** Lays out a fixed header followed by payload fields, filling each field's (len, maxlen, offset). */
function assemble(header: Buffer, fields: Array<[number, Buffer]>): Buffer {
  let offset = header.length;
  for (const [at, data] of fields) {
    header.writeUInt16LE(data.length, at);
    header.writeUInt16LE(data.length, at + 2);
    header.writeUInt32LE(offset, at + 4);
    offset += data.length;
  }
  return Buffer.concat([header, ...fields.map(([, d]) => d)]);
}

function start(size: number, type: number, flags: number): Buffer {
  const b = Buffer.alloc(size);
  SIGNATURE.copy(b, 0);
  b.writeUInt32LE(type, 8);
  b.writeUInt32LE(flags >>> 0, type === 2 ? 20 : type === 3 ? 60 : 12);
  return b;
}

// ---- AV pairs (target info) ----

export type AvPairs = Map<number, Buffer>;

export function decodeAvPairs(bytes: Buffer): AvPairs {
  const pairs: AvPairs = new Map();
  for (let at = 0; at + 4 <= bytes.length;) {
    const id = bytes.readUInt16LE(at);
    const len = bytes.readUInt16LE(at + 2);
    if (id === AvId.EOL) return pairs;
    if (at + 4 + len > bytes.length) throw new NtlmFormatError('AV pair out of bounds');
    pairs.set(id, bytes.subarray(at + 4, at + 4 + len));
    at += 4 + len;
  }
  throw new NtlmFormatError('AV pairs not terminated');
}

export function encodeAvPairs(pairs: AvPairs): Buffer {
  const parts: Buffer[] = [];
  for (const [id, value] of pairs) {
    if (id === AvId.EOL) continue;
    const head = Buffer.alloc(4);
    head.writeUInt16LE(id, 0);
    head.writeUInt16LE(value.length, 2);
    parts.push(head, value);
  }
  parts.push(Buffer.alloc(4));
  return Buffer.concat(parts);
}

// ---- Type 1: NEGOTIATE ----

export interface Negotiate { flags: number; domain: string; workstation: string }

export function encodeNegotiate(flags: number): Buffer {
  return start(32, 1, flags);
}

export function decodeNegotiate(message: Buffer): Negotiate {
  if (messageType(message) !== 1) throw new NtlmFormatError('expected an NTLM NEGOTIATE message');
  if (message.length < 16) throw new NtlmFormatError('truncated NTLM message');
  const flags = message.readUInt32LE(12);
  const hasFields = message.length >= 32;
  return {
    flags,
    domain: hasFields ? text(field(message, 16), false) : '',
    workstation: hasFields ? text(field(message, 24), false) : '',
  };
}

// ---- Type 2: CHALLENGE ----

export interface Challenge { flags: number; targetName: string; serverChallenge: Buffer; targetInfo: Buffer }

export function encodeChallenge(c: Challenge): Buffer {
  const header = start(56, 2, c.flags);
  c.serverChallenge.copy(header, 24);
  OUR_VERSION.copy(header, 48);
  return assemble(header, [[12, Buffer.from(c.targetName, 'utf16le')], [40, c.targetInfo]]);
}

export function decodeChallenge(message: Buffer): Challenge {
  if (messageType(message) !== 2) throw new NtlmFormatError('expected an NTLM CHALLENGE message');
  if (message.length < 48) throw new NtlmFormatError('truncated NTLM CHALLENGE message');
  const flags = message.readUInt32LE(20);
  return {
    flags,
    targetName: text(field(message, 12), (flags & Flags.UNICODE) !== 0),
    serverChallenge: Buffer.from(message.subarray(24, 32)),
    targetInfo: flags & Flags.TARGET_INFO ? field(message, 40) : Buffer.alloc(0),
  };
}

// ---- Type 3: AUTHENTICATE ----

export interface Authenticate {
  flags: number;
  lmResponse: Buffer;
  ntResponse: Buffer;
  domain: string;
  user: string;
  workstation: string;
  encryptedSessionKey: Buffer;
  /** The 16-byte MIC, when the header is long enough to hold one (payload starts at 88 or later). */
  mic?: Buffer;
}

export const MIC_OFFSET = 72;

export function encodeAuthenticate(a: Omit<Authenticate, 'mic'>, withMic: boolean): Buffer {
  const header = start(withMic ? 88 : 64, 3, a.flags);
  if (withMic) OUR_VERSION.copy(header, 64);
  const unicode = (a.flags & Flags.UNICODE) !== 0;
  const enc = (s: string): Buffer => Buffer.from(s, unicode ? 'utf16le' : 'latin1');
  return assemble(header, [
    [28, enc(a.domain)], [36, enc(a.user)], [44, enc(a.workstation)],
    [12, a.lmResponse], [20, a.ntResponse], [52, a.encryptedSessionKey],
  ]);
}

export function decodeAuthenticate(message: Buffer): Authenticate {
  if (messageType(message) !== 3) throw new NtlmFormatError('expected an NTLM AUTHENTICATE message');
  if (message.length < 64) throw new NtlmFormatError('truncated NTLM AUTHENTICATE message');
  const flags = message.readUInt32LE(60);
  const unicode = (flags & Flags.UNICODE) !== 0;
  const offsets = [12, 20, 28, 36, 44, 52].map((at) => (message.readUInt16LE(at) ? message.readUInt32LE(at + 4) : Infinity));
  const payloadStart = Math.min(...offsets);
  return {
    flags,
    lmResponse: field(message, 12),
    ntResponse: field(message, 20),
    domain: text(field(message, 28), unicode),
    user: text(field(message, 36), unicode),
    workstation: text(field(message, 44), unicode),
    encryptedSessionKey: field(message, 52),
    mic: payloadStart >= MIC_OFFSET + 16 && message.length >= MIC_OFFSET + 16 ? Buffer.from(message.subarray(MIC_OFFSET, MIC_OFFSET + 16)) : undefined,
  };
}
