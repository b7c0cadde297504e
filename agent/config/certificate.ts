// A client certificate and its private key, from the files the settings name: a PEM certificate (the key
// in it or in keyFile, PKCS#8 or PKCS#1, optionally encrypted) or a PKCS#12 file (.pfx). Checked so that
// a mistake shows when the settings load, not as a refused assertion later: an RSA key (what the identity
// platform's PS256 and RS256 assertions need) that belongs to the certificate. Failures are described,
// never thrown, and never carry key material.
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import type { CertificateSecret } from './settings.ts';
import { readPkcs12 } from './pkcs12.ts';

export type CertificateLoad = { ok: true; certificate: CertificateSecret } | { ok: false; why: string };

const pemBlock = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n[\s\S]*?-----END \1-----/g;

function blocks(text: string, labels: readonly string[]): string[] {
  return [...text.matchAll(pemBlock)].filter((m) => labels.includes(m[1] ?? '')).map((m) => m[0]);
}

const keyLabels = ['PRIVATE KEY', 'RSA PRIVATE KEY', 'ENCRYPTED PRIVATE KEY'];

function isPem(bytes: Buffer): boolean {
  return bytes.subarray(0, 64 * 1024).toString('latin1').includes('-----BEGIN ');
}

function importKey(pem: string, password: string | undefined): KeyObject | string {
  const encrypted = pem.includes('ENCRYPTED') || /Proc-Type: 4,ENCRYPTED/.test(pem);
  if (encrypted && password === undefined) return 'the private key is encrypted: give certificate.password';
  try {
    return createPrivateKey({ key: pem, format: 'pem', ...(password !== undefined ? { passphrase: password } : {}) });
  } catch {
    return encrypted ? 'the private key cannot be decrypted with certificate.password' : 'the private key cannot be read';
  }
}

/** Of the certificates given (a chain may come along), the one the key belongs to, as PEM; the key as
 *  unencrypted PKCS#8 PEM. */
export function pairOf(certs: readonly (Buffer | string)[], key: KeyObject): CertificateLoad {
  if (key.asymmetricKeyType !== 'rsa') {
    return { ok: false, why: `has a ${key.asymmetricKeyType ?? 'non-RSA'} key; the identity platform signs assertions with RSA keys only` };
  }
  let readable = 0;
  for (const data of certs) {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(data);
    } catch {
      continue;
    }
    readable += 1;
    if (cert.checkPrivateKey(key)) {
      return { ok: true, certificate: { certPem: cert.toString(), keyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString() } };
    }
  }
  return { ok: false, why: readable === 0 ? 'holds no readable X.509 certificate' : 'holds a private key that does not belong to the certificate' };
}

export interface CertificateFiles {
  /** The certificate file's bytes. */
  file: Buffer;
  /** The keyFile's bytes, when the settings name one. */
  keyFile?: Buffer;
  password?: string;
}

export function loadCertificate(input: CertificateFiles): CertificateLoad {
  if (!isPem(input.file)) {
    if (input.keyFile) return { ok: false, why: 'is a PKCS#12 (PFX) file, which holds its own key: leave keyFile out' };
    const pfx = readPkcs12(input.file, input.password ?? '');
    if (!pfx.ok) return pfx;
    return pairOf(pfx.certs, createPrivateKey({ key: pfx.keyDer, format: 'der', type: 'pkcs8' }));
  }
  const text = input.file.toString('utf8');
  const certs = blocks(text, ['CERTIFICATE']);
  if (certs.length === 0) return { ok: false, why: 'holds no PEM certificate (-----BEGIN CERTIFICATE-----)' };
  const keyText = input.keyFile ? input.keyFile.toString('utf8') : text;
  const keys = blocks(keyText, keyLabels);
  if (keys.length === 0) {
    return { ok: false, why: input.keyFile ? 'has a keyFile that holds no PEM private key' : 'holds no private key: add it to the file, or give certificate.keyFile' };
  }
  const key = importKey(keys[0] ?? '', input.password);
  if (typeof key === 'string') return { ok: false, why: key };
  return pairOf(certs, key);
}
