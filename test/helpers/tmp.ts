// Temporary directories that tests remove afterwards.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function tempDir(prefix: string): Promise<{ path: string; cleanup(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `mail-agent-${prefix}-`));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}
