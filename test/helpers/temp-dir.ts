// Real temporary directories that tests remove afterwards: tempDir() for a test that removes it itself
// (cleanup), withTempDir() for one that works inside it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function tempDir(prefix: string): Promise<{ path: string; cleanup(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `mail-agent-${prefix}-`));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await tempDir('test');
  try {
    return await fn(dir.path);
  } finally {
    await dir.cleanup();
  }
}
