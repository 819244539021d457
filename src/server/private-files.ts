/** Files only this user may read: the server's token file, a daemon's socket folder and token. */
import { chmod, lstat, mkdir } from 'node:fs/promises';
import { errnoCode } from '../core/errors.js';

const DIR_MODE = 0o700;

/**
 * Makes `dir` (0700) or checks the one there: a real folder (not a link someone planted), owned by this
 * user; looser permissions are tightened. Throws, with the reason, for a folder that is not ours.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: DIR_MODE });
  const problem = await privateDirProblem(dir, true);
  if (problem !== null) throw new Error(problem);
}

/** Why `dir` is not a private folder of this user, or null when it is; `tighten` fixes loose modes. */
export async function privateDirProblem(dir: string, tighten = false): Promise<string | null> {
  let info;
  try {
    info = await lstat(dir);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return `${dir} does not exist`;
    throw error;
  }
  if (!info.isDirectory()) return `${dir} is not a folder (a link or a file is in its place)`;
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid) return `${dir} belongs to another user (uid ${info.uid})`;
  if ((info.mode & 0o077) === 0) return null;
  if (!tighten) return `${dir} can be entered by other users (mode ${(info.mode & 0o777).toString(8)})`;
  await chmod(dir, DIR_MODE);
  return null;
}

/** True while a process with this pid exists (also one of another user: EPERM). */
export function isAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) === 'EPERM';
  }
}
