// NTLM session security, only as far as SPNEGO's mechListMIC needs it ([MS-NLMP] 3.4.4.2 with extended
// session security, 3.4.5.2 and 3.4.5.3; [MS-SPNG] 3.3.5.1): the signing and sealing keys of each
// direction and the 16-byte signature of one message with sequence number 0.
import { createHash } from 'node:crypto';
import { hmacMd5, rc4 } from './crypto.ts';

export type Direction = 'client' | 'server';

function magic(direction: Direction, kind: 'signing' | 'sealing'): Buffer {
  const [from, to] = direction === 'client' ? ['client', 'server'] : ['server', 'client'];
  return Buffer.from(`session key to ${from}-to-${to} ${kind} key magic constant\0`, 'latin1');
}

export function signingKey(exportedSessionKey: Buffer, direction: Direction): Buffer {
  return createHash('md5').update(exportedSessionKey).update(magic(direction, 'signing')).digest();
}

/** The 128-bit sealing key (NTLMSSP_NEGOTIATE_128 is always negotiated here). */
export function sealingKey(exportedSessionKey: Buffer, direction: Direction): Buffer {
  return createHash('md5').update(exportedSessionKey).update(magic(direction, 'sealing')).digest();
}

/** NTLMSSP_MESSAGE_SIGNATURE of `message` with SeqNum 0, from a fresh RC4 state when keys were exchanged. */
export function messageSignature(exportedSessionKey: Buffer, direction: Direction, message: Buffer, keyExchange: boolean): Buffer {
  const seq = Buffer.alloc(4);
  let checksum = hmacMd5(signingKey(exportedSessionKey, direction), seq, message).subarray(0, 8);
  if (keyExchange) checksum = rc4(sealingKey(exportedSessionKey, direction), checksum);
  const version = Buffer.from([1, 0, 0, 0]);
  return Buffer.concat([version, checksum, seq]);
}
