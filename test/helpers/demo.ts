// Shared by the `npm start` tests: a free loopback port, and waiting for the status file to say Ready.
import { createServer } from 'node:net';
import { untilStatus } from './status.ts';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function untilReady(statusPath: string, timeoutMs = 30_000): Promise<void> {
  await untilStatus(statusPath, (status) => status.conditions.some((c) => c.type === 'Ready' && c.status === 'True'), 'Ready', timeoutMs);
}
