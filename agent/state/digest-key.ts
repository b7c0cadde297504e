// The per-install key of the published settings digest (status file, test messages, `mail-agent test`).
// The digest covers a hash of each secret, so unkeyed it was a password oracle: everything but the password
// is in Git, and guesses can be checked against it offline. Keyed with 32 random bytes that never leave the
// state dir (0600, like the spool), it reveals nothing, and two installs with the same settings publish
// different digests. The key is created once, atomically (written beside, then linked into place, so two
// creators agree on one), and kept: the same key across restarts keeps the digests, and with them the
// "one test message per digest" record, stable. A backup of the state dir keeps them stable too.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { AgentError, ErrorCodes } from '../errors.ts';
import { fsyncDirectory } from './atomic-write.ts';

export const DigestKeyFile = 'digest.key';
const KeyBytes = 32;
const NoFollow = constants.O_NOFOLLOW ?? 0;

/** The state dir's digest key; undefined when it has none yet. */
export async function readDigestKey(stateDir: string): Promise<Buffer | undefined> {
  const path = join(stateDir, DigestKeyFile);
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | NoFollow);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AgentError(ErrorCodes.StateDirUnsafe, `the digest key ${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
  }
  try {
    const info = await handle.stat();
    if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
      throw new AgentError(ErrorCodes.StateDirUnsafe, `the digest key ${path} is readable by others (mode ${(info.mode & 0o777).toString(8)}): chmod 600 ${path}`);
    }
    const key = await handle.readFile();
    if (!info.isFile() || key.length !== KeyBytes) {
      throw new AgentError(ErrorCodes.StateDirUnsafe, `the digest key ${path} is not ${KeyBytes} bytes: remove it (a new one is made; the published digests change once)`);
    }
    return key;
  } finally {
    await handle.close();
  }
}

/** The state dir's digest key, created on first use. */
export async function digestKey(stateDir: string): Promise<Buffer> {
  const existing = await readDigestKey(stateDir);
  if (existing) return existing;
  const path = join(stateDir, DigestKeyFile);
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NoFollow, 0o600);
  try {
    await handle.writeFile(randomBytes(KeyBytes));
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(tmp, path); // fails if another process made one meanwhile: then theirs is the key
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
  await fsyncDirectory(stateDir);
  const key = await readDigestKey(stateDir);
  if (!key) throw new AgentError(ErrorCodes.Internal, `the digest key ${path} vanished after it was written`);
  return key;
}
