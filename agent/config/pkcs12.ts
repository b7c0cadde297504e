// Reading a PKCS#12 (PFX) file (RFC 7292): its certificates and its (first) private key. The password is
// checked against the file's MAC first, so a wrong one says so. Private keys in shrouded bags are
// decrypted by node:crypto (encrypted PKCS#8); encrypted certificate bags with PBES2 (PBKDF2 and AES, what
// OpenSSL 3 and Windows since 2017 write) or PKCS#12 3DES are decrypted here. RC2-40, the oldest
// exporters' choice, is not in OpenSSL 3's default provider: such a file is refused with how to convert it.
import { createDecipheriv, createHash, createHmac, createPrivateKey, pbkdf2Sync, timingSafeEqual } from 'node:crypto';
import { children, DerError, expect, integer, octets, oid, readDer, Tag, type Der } from '../der.ts';

export type Pkcs12Read = { ok: true; certs: Buffer[]; keyDer: Buffer } | { ok: false; why: string };

const OID = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  pbeSha3Des: '1.2.840.113549.1.12.1.3',
  pbeShaRc2_40: '1.2.840.113549.1.12.1.6',
  pbeShaRc2_128: '1.2.840.113549.1.12.1.5',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha512: '2.16.840.1.101.3.4.2.3',
} as const;

const prfs: Record<string, string> = { '1.2.840.113549.2.7': 'sha1', '1.2.840.113549.2.9': 'sha256', '1.2.840.113549.2.10': 'sha384', '1.2.840.113549.2.11': 'sha512' };
const ciphers: Record<string, { name: string; keyLength: number }> = {
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', keyLength: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', keyLength: 24 },
  '2.16.840.1.101.3.4.1.42': { name: 'aes-256-cbc', keyLength: 32 },
  '1.2.840.113549.3.7': { name: 'des-ede3-cbc', keyLength: 24 },
};
const digests: Record<string, { name: string; block: number }> = {
  [OID.sha1]: { name: 'sha1', block: 64 }, [OID.sha256]: { name: 'sha256', block: 64 }, [OID.sha512]: { name: 'sha512', block: 128 },
};

class Refused extends Error {}

/** The password as PKCS#12 wants it for its own KDF: UTF-16BE with a terminating zero. */
function bmpPassword(password: string): Buffer {
  const bytes = Buffer.alloc((password.length + 1) * 2);
  for (let i = 0; i < password.length; i++) bytes.writeUInt16BE(password.charCodeAt(i), i * 2);
  return bytes;
}

/** RFC 7292 appendix B.2: key (id 1), IV (id 2) or MAC key (id 3) material. */
function pkcs12Kdf(hash: string, block: number, password: Buffer, salt: Buffer, iterations: number, id: number, size: number): Buffer {
  const repeat = (data: Buffer): Buffer => {
    if (data.length === 0) return data;
    const out = Buffer.alloc(block * Math.ceil(data.length / block));
    for (let i = 0; i < out.length; i++) out[i] = data[i % data.length] as number;
    return out;
  };
  const input = Buffer.concat([repeat(salt), repeat(password)]);
  const out: Buffer[] = [];
  let produced = 0;
  while (produced < size) {
    let a = createHash(hash).update(Buffer.alloc(block, id)).update(input).digest();
    for (let i = 1; i < iterations; i++) a = createHash(hash).update(a).digest();
    out.push(a);
    produced += a.length;
    const b = Buffer.alloc(block);
    for (let i = 0; i < block; i++) b[i] = a[i % a.length] as number;
    for (let j = 0; j < input.length; j += block) {
      let carry = 1;
      for (let k = block - 1; k >= 0; k--) {
        const sum = (input[j + k] as number) + (b[k] as number) + carry;
        input[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(out).subarray(0, size);
}

function checkMac(pfx: Der[], authSafe: Buffer, password: string): void {
  const macData = pfx[2];
  if (!macData) return;
  const [digestInfo, saltNode, iterNode] = children(expect(macData, Tag.sequence, 'MacData'));
  const [algId, expected] = children(expect(digestInfo, Tag.sequence, 'DigestInfo'));
  const digest = digests[oid(children(expect(algId, Tag.sequence, 'an algorithm'))[0])];
  if (!digest) return; // PBMAC1 and rarer digests: the key's own decryption still proves the password
  const salt = octets(saltNode);
  const iterations = iterNode ? integer(iterNode) : 1;
  const want = octets(expected);
  // An empty password is written both ways in the wild (no bytes, or a lone terminator): try both.
  const tries = password === '' ? [Buffer.alloc(0), bmpPassword('')] : [bmpPassword(password)];
  for (const pw of tries) {
    const key = pkcs12Kdf(digest.name, digest.block, pw, salt, iterations, 3, want.length);
    const mac = createHmac(digest.name, key).update(authSafe).digest();
    if (mac.length === want.length && timingSafeEqual(mac, want)) return;
  }
  throw new Refused('cannot be opened with certificate.password (the PFX\'s integrity check fails: wrong password?)');
}

function decrypt(algorithm: Der, data: Buffer, password: string): Buffer {
  const [algOid, params] = children(expect(algorithm, Tag.sequence, 'an algorithm'));
  const name = oid(algOid);
  if (name === OID.pbes2) {
    const [kdf, scheme] = children(expect(params, Tag.sequence, 'PBES2 parameters'));
    const [kdfOid, kdfParams] = children(expect(kdf, Tag.sequence, 'a KDF'));
    if (oid(kdfOid) !== OID.pbkdf2) throw new Refused('uses a key derivation other than PBKDF2');
    const [cipherOid, iv] = children(expect(scheme, Tag.sequence, 'a cipher'));
    const cipher = ciphers[oid(cipherOid)];
    if (!cipher) throw new Refused('uses a cipher this agent does not read (AES-CBC or 3DES are)');
    const fields = children(expect(kdfParams, Tag.sequence, 'PBKDF2 parameters'));
    const salt = octets(fields[0]);
    const iterations = integer(fields[1]);
    const prfNode = fields.find((f, i) => i >= 2 && f.tag === Tag.sequence);
    const prf = prfNode ? prfs[oid(children(prfNode)[0])] : 'sha1';
    if (!prf) throw new Refused('uses a PBKDF2 hash this agent does not read');
    const key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, cipher.keyLength, prf);
    const decipher = createDecipheriv(cipher.name, key, octets(iv));
    return Buffer.concat([decipher.update(data), decipher.final()]);
  }
  if (name === OID.pbeSha3Des) {
    const [saltNode, iterNode] = children(expect(params, Tag.sequence, 'PBE parameters'));
    const salt = octets(saltNode);
    const iterations = integer(iterNode);
    const pw = bmpPassword(password);
    const key = pkcs12Kdf('sha1', 64, pw, salt, iterations, 1, 24);
    const iv = pkcs12Kdf('sha1', 64, pw, salt, iterations, 2, 8);
    const decipher = createDecipheriv('des-ede3-cbc', key, iv);
    return Buffer.concat([decipher.update(data), decipher.final()]);
  }
  if (name === OID.pbeShaRc2_40 || name === OID.pbeShaRc2_128) {
    throw new Refused('encrypts its certificates with RC2, which OpenSSL 3 no longer offers: convert it with '
      + '`openssl pkcs12 -legacy -in old.pfx -nodes | openssl pkcs12 -export -out new.pfx` (AES), or use the PEM files');
  }
  throw new Refused('uses an encryption this agent does not read');
}

interface Found { certs: Buffer[]; keys: Buffer[] }

function readBags(safeContents: Buffer, password: string, found: Found): void {
  for (const bag of children(expect(readDer(safeContents), Tag.sequence, 'SafeContents'))) {
    const [bagId, value] = children(expect(bag, Tag.sequence, 'a SafeBag'));
    const type = oid(bagId);
    const inner = children(expect(value, Tag.context0, 'a bag value'))[0];
    if (type === OID.certBag) {
      const [certId, certValue] = children(expect(inner, Tag.sequence, 'a CertBag'));
      if (oid(certId) === OID.x509Certificate) found.certs.push(octets(children(expect(certValue, Tag.context0, 'a certificate'))[0]));
    } else if (type === OID.keyBag) {
      found.keys.push(Buffer.from(expect(inner, Tag.sequence, 'a private key').raw));
    } else if (type === OID.shroudedKeyBag) {
      const shrouded = expect(inner, Tag.sequence, 'an encrypted private key').raw;
      try {
        const key = createPrivateKey({ key: Buffer.from(shrouded), format: 'der', type: 'pkcs8', passphrase: password });
        found.keys.push(key.export({ type: 'pkcs8', format: 'der' }));
      } catch {
        throw new Refused('holds a private key that certificate.password does not decrypt');
      }
    }
  }
}

export function readPkcs12(file: Buffer, password: string): Pkcs12Read {
  try {
    const pfx = children(expect(readDer(file), Tag.sequence, 'a PFX'));
    if (integer(pfx[0]) !== 3) throw new DerError('not a PKCS#12 version 3 file');
    const [contentType, content] = children(expect(pfx[1], Tag.sequence, 'a ContentInfo'));
    if (oid(contentType) !== OID.data) throw new Refused('is signed with a public key (PKCS#12 public-key integrity mode), which is not read');
    const authSafe = octets(children(expect(content, Tag.context0, 'content'))[0]);
    checkMac(pfx, authSafe, password);
    const found: Found = { certs: [], keys: [] };
    for (const info of children(expect(readDer(authSafe), Tag.sequence, 'an AuthenticatedSafe'))) {
      const [type, body] = children(expect(info, Tag.sequence, 'a ContentInfo'));
      const kind = oid(type);
      const inner = children(expect(body, Tag.context0, 'content'))[0];
      if (kind === OID.data) readBags(octets(inner), password, found);
      else if (kind === OID.encryptedData) {
        const [, encryptedContentInfo] = children(expect(inner, Tag.sequence, 'EncryptedData'));
        const [, algorithm, encrypted] = children(expect(encryptedContentInfo, Tag.sequence, 'EncryptedContentInfo'));
        if (!algorithm || !encrypted || (encrypted.tag !== Tag.implicit0 && encrypted.tag !== (Tag.implicit0 | 0x20))) throw new DerError('expected encrypted content');
        const data = encrypted.tag === Tag.implicit0 ? encrypted.body : Buffer.concat(children(encrypted).map((c) => c.body));
        let plain: Buffer;
        try {
          plain = decrypt(algorithm, data, password);
        } catch (err) {
          if (err instanceof Refused) throw err;
          throw new Refused('cannot be decrypted with certificate.password');
        }
        readBags(plain, password, found);
      }
    }
    const [keyDer] = found.keys;
    if (found.certs.length === 0) return { ok: false, why: 'is a PFX without a certificate' };
    if (!keyDer) return { ok: false, why: 'is a PFX without a private key' };
    return { ok: true, certs: found.certs, keyDer };
  } catch (err) {
    if (err instanceof Refused) return { ok: false, why: err.message };
    if (err instanceof DerError) return { ok: false, why: `is neither PEM nor a readable PKCS#12 (PFX) file (${err.message})` };
    throw err;
  }
}
