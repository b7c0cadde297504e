// The key the sandbox's identity platform signs access tokens with: RSA 2048, kept in the data dir beside
// the CA so tokens and the published keys (JWKS) survive a restart. Made on first use, not at start: a
// sandbox that never issues a token never pays for an RSA key.
import { createHash, createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The key id in token headers and in the JWKS. */
  kid: string;
}

const generate = promisify(generateKeyPair);

async function loadOrCreate(dataDir: string): Promise<SigningKey> {
  const file = path.join(dataDir, 'identity-key.pem');
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch {
    const { privateKey } = await generate('rsa', { modulusLength: 2048 });
    pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await writeFile(file, pem, { mode: 0o600 });
  }
  const privateKey = createPrivateKey(pem);
  const publicKey = createPublicKey(privateKey);
  const kid = createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64url').slice(0, 27);
  return { privateKey, publicKey, kid };
}

export class SigningKeys {
  private key: Promise<SigningKey> | undefined;
  private readonly dataDir: string;

  constructor(dataDir: string) {
    this.dataDir = dataDir;
  }

  get(): Promise<SigningKey> {
    this.key ??= loadOrCreate(this.dataDir);
    return this.key;
  }

  /** The JWKS document (RFC 7517) of the key. */
  async jwks(): Promise<{ keys: Record<string, unknown>[] }> {
    const { publicKey, kid } = await this.get();
    const jwk = publicKey.export({ format: 'jwk' });
    return { keys: [{ kty: 'RSA', use: 'sig', kid, x5t: kid, n: jwk.n, e: jwk.e }] };
  }
}
