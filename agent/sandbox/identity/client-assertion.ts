// A client assertion (RFC 7523) checked the way Entra ID checks one: the certificate named by x5t#S256
// (PS256) or x5t (RS256) must be registered on the app and unexpired; the signature must verify with it;
// iss and sub must be the client id, aud the token endpoint, and now within nbf..exp (five minutes' skew);
// jti must be present.
import { constants, createVerify } from 'node:crypto';
import type { SandboxApp } from './apps.ts';
import { Failures, type IdentityFailure } from './errors.ts';

const skewSeconds = 300;

function part(text: string | undefined): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(Buffer.from(text ?? '', 'base64url').toString('utf8')) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

/** undefined when the assertion is good; `audiences`: the token endpoint as the client may name it. */
export function checkAssertion(jwt: string, app: SandboxApp, clientId: string, audiences: readonly string[], now: Date): IdentityFailure | undefined {
  const parts = jwt.split('.');
  const header = part(parts[0]);
  const claims = part(parts[1]);
  if (parts.length !== 3 || !header || !claims) return Failures.badJwt('not a compact JWT');
  const alg = header.alg;
  if (alg !== 'PS256' && alg !== 'RS256') return Failures.badJwt(`alg ${String(alg)} is not PS256 or RS256`);
  // Thumbprints arrive base64url, with or without padding (MSAL for Python pads): compared without it.
  const unpadded = (value: unknown): string | undefined => (typeof value === 'string' ? value.replace(/=+$/, '') : undefined);
  const byS256 = unpadded(header['x5t#S256']);
  const byS1 = unpadded(header.x5t);
  if (!byS256 && !byS1) return Failures.badJwt('the header names no key (x5t#S256 or x5t)');
  const registered = app.certificates.find((c) => (byS256 !== undefined ? c.x5tS256 === byS256 : c.x5t === byS1));
  if (!registered) return Failures.certificateUnknown(app.clientId);
  if (new Date(registered.cert.validTo).getTime() < now.getTime()) return Failures.certificateExpired(app.clientId);
  const verifier = createVerify('sha256').update(`${parts[0]}.${parts[1]}`);
  const signature = Buffer.from(parts[2] ?? '', 'base64url');
  const good = alg === 'PS256'
    ? verifier.verify({ key: registered.cert.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, signature)
    : verifier.verify(registered.cert.publicKey, signature);
  if (!good) return Failures.badSignature();
  if (claims.iss !== clientId || claims.sub !== clientId) return Failures.assertionAppMismatch();
  const aud = typeof claims.aud === 'string' ? claims.aud.replace(/\/$/, '').toLowerCase() : '';
  if (!audiences.some((a) => a.toLowerCase() === aud)) return Failures.assertionAudience();
  if (typeof claims.exp !== 'number') return Failures.badJwt('no exp claim');
  if (typeof claims.jti !== 'string' || claims.jti === '') return Failures.badJwt('no jti claim');
  const t = Math.floor(now.getTime() / 1000);
  const nbf = typeof claims.nbf === 'number' ? claims.nbf : 0;
  if (t > claims.exp + skewSeconds || t + skewSeconds < nbf) return Failures.assertionTime();
  return undefined;
}
