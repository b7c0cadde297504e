// Shared by the settings tests: temp folders (removed after), settings written to real files, and
// the "§" marker that says where an issue must be reported (removed before the file is written).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../agent/config/load.ts';
import type { LoadOptions, LoadResult } from '../../agent/config/load-contract.ts';

export const header = 'apiVersion: mail-agent/v1\nkind: MailSettings\n';

/** A valid EWS file; tests replace or add lines. */
export const validEws = `${header}service: ews
ews:
  url: https://mail.contoso.com/EWS/Exchange.asmx
  username: CONTOSO\\svc-notify
  password: { env: EWS_PASSWORD }
`;

export interface TempDir { dir: string; write(name: string, content: string | Buffer, mode?: number): Promise<string>; remove(): Promise<void> }

export async function tempDir(): Promise<TempDir> {
  const dir = await mkdtemp(join(tmpdir(), 'mail-settings-'));
  return {
    dir,
    async write(name, content, mode = 0o600) {
      const path = join(dir, name);
      await writeFile(path, content, { mode });
      return path;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Where the "§" marker is (1-based line and column), and the text without it. */
export function marked(text: string): { text: string; line: number; column: number } {
  const at = text.indexOf('§');
  if (at < 0) throw new Error('no § marker in the test text');
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  const column = at - (before.lastIndexOf('\n') + 1) + 1;
  return { text: before + text.slice(at + 1), line, column };
}

/** Writes `text` to a temp file, loads it, removes the folder. */
export async function loadText(text: string | Buffer, options: LoadOptions = {}, name = 'mail-settings.yaml'): Promise<LoadResult> {
  const tmp = await tempDir();
  try {
    return await loadConfig(await tmp.write(name, text), { env: { EWS_PASSWORD: 'pw' }, ...options });
  } finally {
    await tmp.remove();
  }
}
