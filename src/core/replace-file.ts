/**
 * Files octo writes and reads whole, outside the session store's own (a session's resume point, the
 * children a process started, the server's file): written all at once and private, read back as JSON
 * that may be missing or torn. A module of the core's root, outside the domains, so that any of them
 * and the server can use it without loading a domain.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { errnoCode } from './errors.js';

/** Only this user may read what octo writes. */
const FILE_MODE = 0o600;

/**
 * Replaces `file` all at once with `text`: it goes to a fresh temporary file beside it (0600, created
 * exclusively, so two writers never write into each other's and no leftover's looser mode is kept),
 * which is renamed over `file`. Readers see the old contents or the new, never a part; on failure the
 * temporary file is removed. Not flushed: for caches and for files that describe a running process,
 * which mean nothing after the machine went down.
 */
export async function replacePrivateFile(file: string, text: string): Promise<void> {
  const temp = `${file}.${randomBytes(6).toString('hex')}~`;
  try {
    const handle = await open(temp, 'wx', FILE_MODE);
    try {
      await handle.writeFile(text);
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * The JSON value in `file`, or null when there is no file or it holds no JSON (torn, or not ours):
 * such a file is worth nothing, and the caller goes on as if it were not there.
 */
export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return null;
    throw error;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
