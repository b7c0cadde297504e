// The DATA of one message, as a Buffer, bounded: past `maxBytes` the rest is read and dropped (the server
// answers 552 for it), so a client cannot make us hold more than the limit in memory.
import type { Readable } from 'node:stream';

export async function readMessage(stream: Readable, maxBytes: number): Promise<{ data: Buffer; oversized: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let oversized = false;
  for await (const chunk of stream) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBytes) oversized = true;
    if (!oversized) chunks.push(buffer);
  }
  return { data: oversized ? Buffer.alloc(0) : Buffer.concat(chunks, size), oversized };
}
