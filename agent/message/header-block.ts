// A submitted message's header block, field by field with each field's folded lines kept as they came
// (bytes as latin1, so 8-bit and UTF-8 headers pass unchanged): fields can be dropped or added without
// touching the others or the body.

export interface HeaderField {
  /** As written (case kept). */
  name: string;
  /** The whole field, folded lines included, without the line break that ends it. */
  raw: string;
}

export interface HeaderBlock {
  fields: HeaderField[];
  /** The message's line break: CRLF, or LF for a message written with bare LFs. */
  eol: string;
  body: Buffer;
}

export function splitHeaderBlock(mime: Buffer): HeaderBlock {
  const crlf = mime.indexOf('\r\n\r\n');
  const lf = mime.indexOf('\n\n');
  const useLf = crlf < 0 || (lf >= 0 && lf < crlf);
  const eol = useLf && lf >= 0 ? '\n' : '\r\n';
  const end = useLf ? lf : crlf;
  const header = (end < 0 ? mime : mime.subarray(0, end)).toString('latin1');
  const body = end < 0 ? Buffer.alloc(0) : mime.subarray(end + eol.length * 2);
  const fields: HeaderField[] = [];
  for (const line of header.split(/\r?\n/)) {
    const last = fields[fields.length - 1];
    if (/^[ \t]/.test(line) && last) {
      last.raw += eol + line;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon > 0) fields.push({ name: line.slice(0, colon).trim(), raw: line });
  }
  return { fields, eol, body };
}

export function joinHeaderBlock(block: HeaderBlock): Buffer {
  const head = block.fields.map((f) => f.raw).join(block.eol) + block.eol + block.eol;
  return Buffer.concat([Buffer.from(head, 'latin1'), block.body]);
}

/** The field's value, unfolded, trimmed (latin1: decode it yourself if it holds 8-bit bytes). */
export function fieldValue(field: HeaderField): string {
  return field.raw.slice(field.raw.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
}

export function findField(block: HeaderBlock, name: string): HeaderField | undefined {
  const lower = name.toLowerCase();
  return block.fields.find((f) => f.name.toLowerCase() === lower);
}
