// A real sandbox per test file, in a temp data dir, with the accounts the transport tests use.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../../agent/sandbox/index.ts';
import { buildDirectory } from '../../../agent/sandbox/users.ts';
import { createNtlmAcceptor } from '../../../agent/sandbox/auth/ntlm-server.ts';

export const account = { username: 'CONTOSO\\svc-notify', password: 'T3st-Passw0rd!', email: 'svc-notify@contoso.test' };
export const token = 'test-bearer-token-0123456789';

export interface TestSandbox extends Sandbox {
  deliveries(): Promise<{ to: string[]; cc: string[]; bcc: string[]; subject: string; messageId: string; disposition: string; files: string[] }[]>;
  cleanup(): Promise<void>;
}

export async function startTestSandbox(options: Partial<SandboxOptions> = {}): Promise<TestSandbox> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'ews-transport-'));
  const directory = buildDirectory({
    users: [{ username: account.username, password: account.password, email: account.email }],
    tokens: [{ token, email: account.email }],
  });
  const sandbox = await startSandbox({ dataDir, directory, ntlm: createNtlmAcceptor, ...options });
  return {
    ...sandbox,
    async deliveries() {
      const text = await readFile(path.join(dataDir, 'deliveries.jsonl'), 'utf8').catch(() => '');
      return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Awaited<ReturnType<TestSandbox['deliveries']>>[number]);
    },
    async cleanup() {
      await sandbox.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
