// NTLMv2 cryptography ([MS-NLMP] 3.3.2). MD4 (for the NT hash) comes from hash-wasm because Node 20's
// OpenSSL 3 no longer offers it; the hasher is created once, so everything below is synchronous.
import { createHmac } from 'node:crypto';
import { createMD4 } from 'hash-wasm';

const md4 = await createMD4();

export function utf16le(text: string): Buffer {
  return Buffer.from(text, 'utf16le');
}

export function hmacMd5(key: Uint8Array, ...data: Uint8Array[]): Buffer {
  const h = createHmac('md5', key);
  for (const d of data) h.update(d);
  return h.digest();
}

/** MD4(UNICODE(password)): the NT hash. */
export function ntHash(password: string): Buffer {
  md4.init();
  md4.update(utf16le(password));
  return Buffer.from(md4.digest('binary'));
}

/** NTOWFv2 = HMAC_MD5(NT hash, UNICODE(Uppercase(user) ‖ domain)) — the domain keeps its case. */
export function ntowfv2(password: string, user: string, domain: string): Buffer {
  return hmacMd5(ntHash(password), utf16le(user.toUpperCase() + domain));
}

/** The NTLMv2 client blob ("temp"): version, timestamp, client challenge, target info. */
export function ntlmv2Blob(timestamp: Buffer, clientChallenge: Buffer, targetInfo: Buffer): Buffer {
  const head = Buffer.alloc(28);
  head[0] = 1;
  head[1] = 1;
  timestamp.copy(head, 8);
  clientChallenge.copy(head, 16);
  return Buffer.concat([head, targetInfo, Buffer.alloc(4)]);
}

export interface V2Response { ntResponse: Buffer; ntProofStr: Buffer; sessionBaseKey: Buffer }

export function ntlmv2Response(responseKey: Buffer, serverChallenge: Buffer, blob: Buffer): V2Response {
  const ntProofStr = hmacMd5(responseKey, serverChallenge, blob);
  return { ntResponse: Buffer.concat([ntProofStr, blob]), ntProofStr, sessionBaseKey: hmacMd5(responseKey, ntProofStr) };
}

export function lmv2Response(responseKey: Buffer, serverChallenge: Buffer, clientChallenge: Buffer): Buffer {
  return Buffer.concat([hmacMd5(responseKey, serverChallenge, clientChallenge), clientChallenge]);
}

/** RC4, only to unwrap the EncryptedRandomSessionKey (16 bytes) for MIC checks; OpenSSL 3 dropped it. */
export function rc4(key: Uint8Array, data: Uint8Array): Buffer {
  const s = Array.from({ length: 256 }, (_, i) => i);
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + (s[i] as number) + (key[i % key.length] as number)) & 255;
    [s[i], s[j]] = [s[j] as number, s[i] as number];
  }
  const out = Buffer.alloc(data.length);
  for (let n = 0, i = 0, j = 0; n < data.length; n++) {
    i = (i + 1) & 255;
    j = (j + (s[i] as number)) & 255;
    [s[i], s[j]] = [s[j] as number, s[i] as number];
    out[n] = (data[n] as number) ^ (s[((s[i] as number) + (s[j] as number)) & 255] as number);
  }
  return out;
}

/** Windows FILETIME (100 ns ticks since 1601) as 8 little-endian bytes. */
export function fileTime(ms: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE((BigInt(ms) + 11644473600000n) * 10000n);
  return b;
}
