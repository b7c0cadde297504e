// The little DER (X.690) the agent reads and writes itself: SPNEGO tokens and a certificate's signature
// algorithm (NTLM's channel bindings), and the structure of a PKCS#12 file (config/pkcs12.ts). One-byte
// tags, long-form lengths, object identifiers. Every read is bounds-checked, since the bytes come from the
// network or from a file; a malformed element throws DerError, which the caller turns into a description.

export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

export interface Der {
  /** The identifier octet (class, constructed bit, tag number < 31). */
  tag: number;
  /** The content octets. */
  body: Buffer;
  /** The whole element (header and content), e.g. what a MAC or a certificate covers. */
  raw: Buffer;
}

export const Tag = { integer: 0x02, octetString: 0x04, oid: 0x06, enumerated: 0x0a, sequence: 0x30, set: 0x31, context0: 0xa0, implicit0: 0x80 } as const;

/** The element that starts at `at`. */
export function readDer(bytes: Buffer, at = 0): Der {
  if (at + 2 > bytes.length) throw new DerError('truncated DER element');
  const tag = bytes[at] as number;
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte DER tags are not used here');
  let length = bytes[at + 1] as number;
  let start = at + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || start + count > bytes.length) throw new DerError('bad DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[start + i] as number);
    start += count;
  }
  if (start + length > bytes.length) throw new DerError('DER element out of bounds');
  return { tag, body: bytes.subarray(start, start + length), raw: bytes.subarray(at, start + length) };
}

/** The elements one after another inside a constructed element's content. */
export function children(node: Der | Buffer): Der[] {
  const body = Buffer.isBuffer(node) ? node : node.body;
  const out: Der[] = [];
  for (let at = 0; at < body.length;) {
    const child = readDer(body, at);
    out.push(child);
    at += child.raw.length;
  }
  return out;
}

export function expect(node: Der | undefined, tag: number, what: string): Der {
  if (!node || node.tag !== tag) throw new DerError(`expected ${what}`);
  return node;
}

/** Dotted text of an OBJECT IDENTIFIER's content octets. */
export function decodeOid(body: Buffer): string {
  if (body.length === 0) throw new DerError('empty OID');
  const parts: number[] = [];
  let value = 0;
  for (const byte of body) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      if (parts.length === 0) parts.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

/** Dotted text of an OBJECT IDENTIFIER element. */
export function oid(node: Der | undefined): string {
  return decodeOid(expect(node, Tag.oid, 'an object identifier').body);
}

export function integer(node: Der | undefined): number {
  const body = expect(node, Tag.integer, 'an integer').body;
  if (body.length > 6) throw new DerError('integer too large');
  return body.reduce((n, b) => n * 256 + b, 0);
}

/** Content of an OCTET STRING, joined if a BER writer split it into a constructed one. */
export function octets(node: Der | undefined): Buffer {
  if (node && node.tag === (Tag.octetString | 0x20)) return Buffer.concat(children(node).map((c) => octets(c)));
  return expect(node, Tag.octetString, 'an octet string').body;
}

function lengthBytes(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** An element of `tag` whose content is `parts`, one after another. */
export function tlv(tag: number, ...parts: Buffer[]): Buffer {
  const value = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), lengthBytes(value.length), value]);
}

export function encodeOid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const bytes = [(arcs[0] as number) * 40 + (arcs[1] as number)];
  for (const arc of arcs.slice(2)) {
    const chunk = [arc & 0x7f];
    for (let n = Math.floor(arc / 128); n > 0; n = Math.floor(n / 128)) chunk.unshift((n & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(Tag.oid, Buffer.from(bytes));
}
