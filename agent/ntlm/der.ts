// The little DER (X.690) SPNEGO and X.509 need here: tag-length-value with one-byte tags, long-form
// lengths, and object identifiers. Reading checks every length, since the bytes come from the network.

export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

export interface Tlv {
  tag: number;
  value: Buffer;
  /** Offset just past this element. */
  end: number;
}

export function readTlv(bytes: Buffer, at = 0): Tlv {
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
  return { tag, value: bytes.subarray(start, start + length), end: start + length };
}

/** The elements one after another inside a constructed value. */
export function readAll(value: Buffer): Tlv[] {
  const out: Tlv[] = [];
  for (let at = 0; at < value.length;) {
    const element = readTlv(value, at);
    out.push(element);
    at = element.end;
  }
  return out;
}

function lengthBytes(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, ...parts: Buffer[]): Buffer {
  const value = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), lengthBytes(value.length), value]);
}

export function encodeOid(oid: string): Buffer {
  const arcs = oid.split('.').map(Number);
  const bytes = [(arcs[0] as number) * 40 + (arcs[1] as number)];
  for (const arc of arcs.slice(2)) {
    const chunk = [arc & 0x7f];
    for (let n = Math.floor(arc / 128); n > 0; n = Math.floor(n / 128)) chunk.unshift((n & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

export function decodeOid(value: Buffer): string {
  if (value.length === 0) throw new DerError('empty OID');
  const first = value[0] as number;
  const arcs = [Math.min(2, Math.floor(first / 40)), first - Math.min(2, Math.floor(first / 40)) * 40];
  let n = 0;
  for (const byte of value.subarray(1)) {
    n = n * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      arcs.push(n);
      n = 0;
    }
  }
  return arcs.join('.');
}
