// Channel binding for Extended Protection: the tls-server-end-point binding of RFC 5929 §4.1 (a hash of
// the server's certificate, SHA-256 when the certificate is signed with MD5 or SHA-1, else the hash its
// signature uses) in a gss_channel_bindings_struct (RFC 2744 §3.11, addresses empty), whose MD5 is the
// MsvAvChannelBindings value of NTLM ([MS-NLMP] 2.2.2.1). All zeros means "no channel binding".
import { createHash } from 'node:crypto';
import { decodeOid, readDer } from '../der.ts';

const HASH_OF_SIGNATURE: Record<string, string> = {
  '1.2.840.113549.1.1.4': 'sha256', // md5WithRSAEncryption → SHA-256 (RFC 5929)
  '1.2.840.113549.1.1.5': 'sha256', // sha1WithRSAEncryption → SHA-256
  '1.2.840.10045.4.1': 'sha256', // ecdsa-with-SHA1 → SHA-256
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.113549.1.1.14': 'sha224',
  '1.2.840.10045.4.3.1': 'sha224',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};

export const NO_CHANNEL_BINDINGS = Buffer.alloc(16);

/** The hash algorithm RFC 5929 names for a DER certificate (SHA-256 when its signature says none we know). */
export function endPointHashOf(certificateDer: Buffer): string {
  try {
    const certificate = readDer(certificateDer);
    const tbs = readDer(certificate.body);
    const algorithm = readDer(certificate.body, tbs.raw.length);
    const oid = readDer(algorithm.body);
    return HASH_OF_SIGNATURE[decodeOid(oid.body)] ?? 'sha256';
  } catch {
    return 'sha256';
  }
}

/** "tls-server-end-point:" ‖ hash(certificate): the channel's application data. */
export function tlsServerEndPoint(certificateDer: Buffer): Buffer {
  const hash = createHash(endPointHashOf(certificateDer)).update(certificateDer).digest();
  return Buffer.concat([Buffer.from('tls-server-end-point:', 'latin1'), hash]);
}

/** MD5 of the gss_channel_bindings_struct carrying `applicationData`: the MsvAvChannelBindings value. */
export function channelBindingsHash(applicationData: Buffer): Buffer {
  const head = Buffer.alloc(20); // initiator addrtype+length, acceptor addrtype+length: all zero
  head.writeUInt32LE(applicationData.length, 16);
  return createHash('md5').update(head).update(applicationData).digest();
}

/** The MsvAvChannelBindings value for a server certificate. */
export function certificateBindings(certificateDer: Buffer): Buffer {
  return channelBindingsHash(tlsServerEndPoint(certificateDer));
}
