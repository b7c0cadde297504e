// A SOPS-encrypted file (a top-level `sops:` block, or `ENC[…]` values) is refused before the schema
// runs: its errors would only say "unknown key sops", and the real problem is a missing decryption step.
import type { IssueDraft } from './issue.ts';
import { pointer } from './issue.ts';

const message = 'the file is SOPS-encrypted; decrypt it (e.g. `sops --decrypt`) before the agent reads it';

function encryptedValuePath(data: unknown): string | undefined {
  const stack: { node: unknown; path: (string | number)[] }[] = [{ node: data, path: [] }];
  const seen = new Set<object>(); // an alias can make the tree a graph, even a cycle (`&a [*a]`)
  while (stack.length > 0) {
    const { node, path } = stack.pop() as { node: unknown; path: (string | number)[] };
    if (typeof node === 'string' && node.startsWith('ENC[')) return pointer(path);
    if (node !== null && typeof node === 'object' && !seen.has(node)) {
      seen.add(node);
      for (const [key, child] of Object.entries(node)) stack.push({ node: child, path: [...path, key] });
    }
  }
  return undefined;
}

export function sopsIssue(data: unknown): IssueDraft | undefined {
  if (data !== null && typeof data === 'object' && !Array.isArray(data) && 'sops' in data) {
    return { path: '/sops', keyword: 'sops', code: 'EncryptedConfigNotDecrypted', message, target: 'key' };
  }
  const path = encryptedValuePath(data);
  return path === undefined ? undefined : { path, keyword: 'sops', code: 'EncryptedConfigNotDecrypted', message };
}
