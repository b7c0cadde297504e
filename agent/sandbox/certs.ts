// The sandbox's own CA and a server certificate signed by it, made with @peculiar/x509 on Node's
// WebCrypto (ECDSA P-256: key generation takes milliseconds, unlike RSA in pure JS). Both are kept in the
// data dir and reused, so clients that trusted ca.pem once keep trusting it across restarts.
import { webcrypto } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import path from 'node:path';
// @peculiar/x509 resolves its algorithm providers through tsyringe, which needs the Reflect metadata polyfill.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

type X509Crypto = Parameters<typeof x509.cryptoProvider.set>[0];
type Key = webcrypto.CryptoKey;
type KeyPair = webcrypto.CryptoKeyPair;
x509.cryptoProvider.set(webcrypto as unknown as X509Crypto);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

export interface SandboxTls {
  caPem: string;
  caPath: string;
  certPem: string;
  keyPem: string;
}

interface Pair { certPem: string; keyPem: string }

/** PEM text as a file must hold it: ending with a newline. @peculiar/x509 leaves the last one off, and
 *  `cat a/ca.pem b/ca.pem` would then glue one END line to the next BEGIN (OpenSSL: "PEM lib"). */
export function pemFileText(pem: string): string {
  return pem.endsWith('\n') ? pem : `${pem}\n`;
}

async function exportKey(key: Key): Promise<string> {
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', key);
  return pemFileText(x509.PemConverter.encode(pkcs8, 'PRIVATE KEY'));
}

async function importKey(pem: string): Promise<Key> {
  const der = x509.PemConverter.decodeFirst(pem);
  return await webcrypto.subtle.importKey('pkcs8', der, ALG, true, ['sign']);
}

async function generateKeys(): Promise<KeyPair> {
  return await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
}

async function createCa(): Promise<Pair> {
  const keys = await generateKeys();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=mail-agent sandbox CA',
    keys,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 3650 * DAY),
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: pemFileText(cert.toString('pem')), keyPem: await exportKey(keys.privateKey) };
}

function sanNames(hostnames: readonly string[]): x509.JsonGeneralNames {
  const all = ['localhost', '127.0.0.1', '::1', ...hostnames];
  return [...new Set(all)].map((h) => (isIP(h) ? { type: 'ip' as const, value: h } : { type: 'dns' as const, value: h }));
}

async function createServerCert(ca: Pair, hostnames: readonly string[]): Promise<Pair> {
  const caCert = new x509.X509Certificate(ca.certPem);
  const caKey = await importKey(ca.keyPem);
  const keys = await generateKeys();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    subject: 'CN=localhost',
    issuer: caCert.subject,
    publicKey: keys.publicKey,
    signingKey: caKey,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 825 * DAY),
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(sanNames(hostnames)),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey),
    ],
  });
  return { certPem: pemFileText(cert.toString('pem')), keyPem: await exportKey(keys.privateKey) };
}

/** Does this certificate still cover every wanted name and stay valid for a week? */
function covers(certPem: string, hostnames: readonly string[]): boolean {
  const cert = new x509.X509Certificate(certPem);
  if (cert.notAfter.getTime() < Date.now() + 7 * DAY) return false;
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  if (!san) return false;
  const have = new Set(san.names.items.map((n) => n.value.toLowerCase()));
  return sanNames(hostnames).every((n) => have.has(n.value.toLowerCase()));
}

async function readPair(dir: string, name: string): Promise<Pair | undefined> {
  let pair: Pair;
  try {
    const [certPem, keyPem] = await Promise.all([
      readFile(path.join(dir, `${name}.pem`), 'utf8'),
      readFile(path.join(dir, `${name}-key.pem`), 'utf8'),
    ]);
    pair = { certPem, keyPem };
  } catch {
    return undefined;
  }
  // Written by an earlier version without the final newline: completed, so the files concatenate.
  if (pemFileText(pair.certPem) !== pair.certPem || pemFileText(pair.keyPem) !== pair.keyPem) {
    pair = { certPem: pemFileText(pair.certPem), keyPem: pemFileText(pair.keyPem) };
    await writePair(dir, name, pair);
  }
  return pair;
}

async function writePair(dir: string, name: string, pair: Pair): Promise<void> {
  await writeFile(path.join(dir, `${name}.pem`), pair.certPem);
  await writeFile(path.join(dir, `${name}-key.pem`), pair.keyPem, { mode: 0o600 });
}

/** Loads the CA and server certificate from `dataDir`, creating (or renewing) what is missing. */
export async function ensureTls(dataDir: string, hostnames: readonly string[]): Promise<SandboxTls> {
  await mkdir(dataDir, { recursive: true });
  let ca = await readPair(dataDir, 'ca');
  let server = ca ? await readPair(dataDir, 'server') : undefined;
  if (!ca) {
    ca = await createCa();
    await writePair(dataDir, 'ca', ca);
  }
  if (!server || !covers(server.certPem, hostnames)) {
    server = await createServerCert(ca, hostnames);
    await writePair(dataDir, 'server', server);
  }
  return { caPem: ca.certPem, caPath: path.join(dataDir, 'ca.pem'), certPem: server.certPem, keyPem: server.keyPem };
}
