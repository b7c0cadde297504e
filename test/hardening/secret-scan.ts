// The suite's secret scan: every file a rig produced (state, status, logs, the sandbox's mailboxes and
// delivery log) and the agents' output must not hold the test password. The password files themselves
// and a settings file that holds a literal password on purpose are the only places it may be.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { account, type Rig } from '../run/helpers/e2e.ts';

export interface ScanOptions {
  /** Files that hold a secret on purpose (a settings file with a literal password). */
  allowed?: (file: string) => boolean;
  secrets?: string[];
  moreRoots?: string[];
}

export async function secretScan(r: Rig, outputs: string[], o: ScanOptions = {}): Promise<{ files: number; found: string[] }> {
  const secrets = o.secrets ?? [account.password];
  const allowed = o.allowed ?? (() => false);
  const found = outputs.some((out) => secrets.some((x) => out.includes(x))) ? ['agent output'] : [];
  let files = 0;
  const roots = [r.root, r.sandbox.dataDir, ...(o.moreRoots ?? [])];
  for (const root of roots) {
    for (const rel of await readdir(root, { recursive: true }).catch(() => [] as string[])) {
      const file = join(root, rel);
      if (file.endsWith('/conf/password') || allowed(file)) continue;
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile() || info.size > 64 * 1024 * 1024) continue;
      files += 1;
      const bytes = await readFile(file);
      if (secrets.some((x) => bytes.includes(x))) found.push(file);
    }
  }
  return { files, found };
}
