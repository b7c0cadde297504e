// The client assertion a certificate signs instead of sending a secret (learn.microsoft.com/entra/
// identity-platform/certificate-credentials): a JWT with header alg PS256 and x5t#S256 (the base64url
// SHA-256 of the certificate's DER), claims aud = the token endpoint, iss = sub = the client id, a fresh
// jti, nbf/iat now and exp ten minutes on. node:crypto signs it (RSA-PSS, SHA-256, salt = digest length).
import { constants, createHash, createPrivateKey, randomUUID, sign, X509Certificate, type KeyObject } from 'node:crypto';
import type { CertificateSecret } from '../config/settings.ts';
import { base64url, encodeJson } from './jwt.ts';

const lifetimeSeconds = 600;

export interface AssertionSigner {
  /** base64url SHA-256 of the certificate's DER: the x5t#S256 the identity platform looks the key up by. */
  readonly thumbprintSha256: string;
  readonly notAfter: Date;
  sign(audience: string, clientId: string, nowMs: number): string;
}

export function assertionSigner(certificate: CertificateSecret): AssertionSigner {
  const cert = new X509Certificate(certificate.certPem);
  const key: KeyObject = createPrivateKey(certificate.keyPem);
  const thumbprintSha256 = base64url(createHash('sha256').update(cert.raw).digest());
  return {
    thumbprintSha256,
    notAfter: new Date(cert.validTo),
    sign(audience, clientId, nowMs) {
      const now = Math.floor(nowMs / 1000);
      const header = encodeJson({ alg: 'PS256', typ: 'JWT', 'x5t#S256': thumbprintSha256 });
      const claims = encodeJson({ aud: audience, iss: clientId, sub: clientId, jti: randomUUID(), nbf: now, iat: now, exp: now + lifetimeSeconds });
      const input = `${header}.${claims}`;
      const signature = sign('sha256', Buffer.from(input), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST });
      return `${input}.${base64url(signature)}`;
    },
  };
}
