/**
 * Files octo writes and reads whole: the store's, the caches, the trust approvals, a config file `/mcp
 * persist` edits, a session's resume point, the children a process started, the server's file. Every
 * one is replaced all at once through `replaceFile`, private to the user; the small JSON ones are read
 * back through `readJsonFile`, which treats a missing or torn file as none. A module of the core's root,
 * outside the domains, so that any of them, the light listing path and the server can use it without
 * loading a domain.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode } from './errors.js';

/** Conversations are private; nobody else on the machine may read what octo writes. */
export const FILE_MODE = 0o600;
/** The folders that hold them, likewise. */
export const DIR_MODE = 0o700;

export interface ReplaceOptions {
  /**
   * Flush the file and its folder before it counts (the default). False for caches and for files that
   * describe a running process, which mean nothing after the machine went down: each flush is a disk
   * round trip.
   */
  flush?: boolean;
  /**
   * The temporary file's name; by default a fresh one beside the file, so that two processes replacing
   * the same file never write into each other's. A fixed name (NeDB's `file~`) is removed first.
   */
  temp?: string;
  /** Called before writing (the store's fault seam). */
  beforeWrite?: () => void;
}

/**
 * Replaces `file` all at once: the data goes to a temporary file beside it (0600, created exclusively,
 * so no leftover's looser mode is kept; flushed), which is renamed over `file`, and the folder is
 * flushed so the rename survives a crash. Readers see the old contents or the new, never a part; on
 * failure the temporary file is removed and the error reaches the caller. `data` may be a function that
 * writes into the open file (a segment written in parts).
 */
export async function replaceFile(
  file: string,
  data: string | Buffer | ((handle: FileHandle) => Promise<void>),
  options: ReplaceOptions = {},
): Promise<void> {
  const flush = options.flush ?? true;
  const temp = options.temp ?? `${file}.${randomBytes(6).toString('hex')}~`;
  // A leftover fixed-name temp file may carry loose permissions that `open` would keep: start from nothing.
  if (options.temp !== undefined) await rm(temp, { force: true });
  options.beforeWrite?.();
  try {
    const handle = await open(temp, 'wx', FILE_MODE);
    try {
      if (typeof data === 'function') await data(handle);
      else await handle.writeFile(data);
      if (flush) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  if (flush) await syncDir(path.dirname(file));
}

/** Makes a rename durable; Windows cannot open folders for flushing. */
async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
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
