// A CA and a server certificate for tests that need TLS (the submission port's STARTTLS): made by the
// sandbox's own certificate code in a temp folder, so a client can trust the CA like any other.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureTls, type SandboxTls } from '../../agent/sandbox/certs.ts';

/** Certificate for `hostnames` (localhost and 127.0.0.1 are always named), its key, and the CA (PEM). */
export async function generateTestTls(hostnames: readonly string[] = []): Promise<SandboxTls & { dir: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'test-tls-'));
  return { ...(await ensureTls(dir, ['localhost', '127.0.0.1', ...hostnames])), dir };
}
