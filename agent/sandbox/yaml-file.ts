// The sandbox's own files (--users, --apps) are YAML: read and parsed here, an unreadable one reported by
// the caller's error (which names the file's role).
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';

export async function readYamlFile(file: string, unreadable: () => Error): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw unreadable();
  }
  return parse(text) as unknown;
}
