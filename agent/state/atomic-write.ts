// Atomic file replacement that never follows a symbolic link: a temp file created new (O_EXCL, O_NOFOLLOW)
// beside the target with an unguessable name, written, chmod-ed, fsynced, renamed over the target (rename
// replaces a link itself, never what it points to), then the directory fsynced, without which a crash can
// lose the rename. write-file-atomic, used before, resolves the target's links first and writes through
// them (a status path planted as /tmp/status.json -> /etc/important.conf replaced that file), and names its
// temp file predictably; it has no option against either.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open, readlink, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AgentError, ErrorCodes } from '../errors.ts';

const CreateNew = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

export async function atomicWrite(path: string, data: string | Buffer, mode = 0o600): Promise<void> {
  await refuseSymlink(path);
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(tmp, CreateNew, mode);
  try {
    try {
      await handle.writeFile(data);
      await handle.chmod(mode); // the mode asked for, whatever the umask
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fsyncDirectory(dirname(path));
}

/** A clear error when `path` is a symbolic link: the agent writes its own files, never through a link. */
export async function refuseSymlink(path: string): Promise<void> {
  const info = await lstat(path).catch(() => undefined);
  if (!info?.isSymbolicLink()) return;
  const target = await readlink(path).catch(() => '?');
  throw new AgentError(ErrorCodes.StateDirUnsafe,
    `${path} is a symbolic link (to ${target}); the agent does not write through links. Remove it (rm ${path}) or choose another path`);
}

export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
