// Where a "permission denied" comes from: the file itself, or a folder above it that this user cannot
// search. The open() error says only EACCES; an operator needs the path to chmod (a checkout or a secret
// under a 0700 folder looks exactly like an unreadable file otherwise).
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

export function isPermissionError(code: string | undefined): boolean {
  return code === 'EACCES' || code === 'EPERM';
}

/** The folders from the root down to `path`'s own. */
function foldersAbove(path: string): string[] {
  const folders: string[] = [];
  for (let folder = dirname(path); ; folder = dirname(folder)) {
    folders.unshift(folder);
    if (dirname(folder) === folder) return folders;
  }
}

/** What stops this user reading `path`, after its open() failed with a permission error:
 *  "the folder F above it cannot be searched by this user" or "P cannot be read by this user". */
export async function deniedAt(path: string): Promise<string> {
  const absolute = resolve(path);
  // From the root down, the first folder that cannot be searched is the one in the way.
  for (const folder of foldersAbove(absolute)) {
    const searchable = await access(folder, constants.X_OK).then(() => true, (err: NodeJS.ErrnoException) => !isPermissionError(err.code));
    if (!searchable) return `the folder ${folder} above it cannot be searched by this user`;
  }
  return `${absolute} cannot be read by this user`;
}
