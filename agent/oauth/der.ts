// A minimal DER reader: enough ASN.1 to walk a PKCS#12 file (pkcs12.ts). Every read is bounds-checked; a
// malformed file throws DerError, which the caller turns into a description.
export class DerError extends Error {}

export interface Der {
  /** The identifier octet (class, constructed bit, tag number < 31). */
  tag: number;
  /** The content octets. */
  body: Buffer;
  /** The whole element (header and content), e.g. what a MAC or a certificate covers. */
  raw: Buffer;
}

export const Tag = { integer: 0x02, octetString: 0x04, oid: 0x06, sequence: 0x30, set: 0x31, context0: 0xa0, implicit0: 0x80 } as const;

export function readDer(buf: Buffer, at = 0): Der {
  if (at + 2 > buf.length) throw new DerError('truncated');
  const tag = buf[at] as number;
  if ((tag & 0x1f) === 0x1f) throw new DerError('high tag numbers are not used here');
  let len = buf[at + 1] as number;
  let head = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || at + 2 + n > buf.length) throw new DerError('bad length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (buf[at + 2 + i] as number);
    head += n;
  }
  const end = at + head + len;
  if (end > buf.length) throw new DerError('truncated');
  return { tag, body: buf.subarray(at + head, end), raw: buf.subarray(at, end) };
}

/** The elements inside a constructed element. */
export function children(node: Der): Der[] {
  const out: Der[] = [];
  for (let at = 0; at < node.body.length;) {
    const child = readDer(node.body, at);
    out.push(child);
    at += child.raw.length;
  }
  return out;
}

export function expect(node: Der | undefined, tag: number, what: string): Der {
  if (!node || node.tag !== tag) throw new DerError(`expected ${what}`);
  return node;
}

/** Dotted text of an OBJECT IDENTIFIER. */
export function oid(node: Der | undefined): string {
  const body = expect(node, Tag.oid, 'an object identifier').body;
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
