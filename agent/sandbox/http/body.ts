// Reads a request body with a size cap (Exchange's own limit is in this range).
import type { IncomingMessage } from 'node:http';

export const MAX_BODY = 64 * 1024 * 1024;

export class BodyTooLarge extends Error {}

export async function readBody(req: IncomingMessage, limit = MAX_BODY): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) throw new BodyTooLarge('request body too large');
    chunks.push(buf);
  }
  return chunks.length === 1 ? chunks[0] as Buffer : Buffer.concat(chunks);
}
