import { open, rm } from 'node:fs/promises';
import { OctoError, errnoCode, getErrorMessage } from '../errors.js';
import { DIR_MODE, FILE_MODE, replaceFile } from '../replace-file.js';

export { DIR_MODE, FILE_MODE };

export interface StoreFaults {
  /**
   * Called before every write to a file: each file and append the store writes itself, and each line
   * NeDB serialises when it compacts. Tests throw ENOSPC here.
   */
  beforeWrite?: () => void;
}

const REASONS: Record<string, string> = {
  ENOTDIR: 'not a directory',
  EEXIST: 'a file is in the way',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  EISDIR: 'is a directory',
  ENOENT: 'no such file or directory',
};

/** A short human reason for a file-system error: "permission denied (EACCES)". */
export function ioReason(error: unknown): string {
  const code = errnoCode(error);
  const text = code === undefined ? undefined : REASONS[code];
  return text === undefined ? getErrorMessage(error) : `${text} (${code})`;
}

export function saveError(file: string, error: unknown): OctoError {
  return new OctoError('store_io', `Could not save to ${file}: ${ioReason(error)}`, { cause: error });
}

export function readError(file: string, error: unknown): OctoError {
  return new OctoError('store_io', `Could not read ${file}: ${ioReason(error)}`, { cause: error });
}

export function unwritableError(dir: string, error: unknown): OctoError {
  return new OctoError('store_unwritable', `Cannot write to the data folder ${dir}: ${ioReason(error)}`, {
    cause: error,
    details: { path: dir, code: errnoCode(error) },
  });
}

/**
 * Removes what a failed write made. The write's own error is the one to report; if even the removal
 * fails, `octo doctor` finds and reports the leftover.
 */
async function removeQuietly(file: string): Promise<void> {
  await rm(file, { force: true }).catch(() => undefined);
}

/** Durable writes of the store's own files, each preceded by the fault seam. */
export class StoreIo {
  constructor(private readonly faults: StoreFaults = {}) {}

  beforeWrite(): void {
    this.faults.beforeWrite?.();
  }

  /**
   * Creates a file that must not exist yet (exclusive), 0600, flushed to disk unless told otherwise.
   * If it cannot be written whole (a full disk) it is removed again: no half file is left behind.
   */
  async writeNew(file: string, data: string | Buffer, flush = true): Promise<void> {
    this.beforeWrite();
    const handle = await open(file, 'wx', FILE_MODE);
    try {
      await handle.writeFile(data);
      if (flush) await handle.sync();
    } catch (error) {
      await handle.close();
      await removeQuietly(file);
      throw error;
    }
    await handle.close();
  }

  /** Replaces a file all at once, NeDB-style: write `file~`, flush, rename over. A crash leaves old or new. */
  async writeAtomic(file: string, data: string): Promise<void> {
    await replaceFile(file, data, { temp: `${file}~`, beforeWrite: () => this.beforeWrite() });
  }

  /**
   * Replaces a file all at once without waiting for the disk: readers see the old or the new contents,
   * never a part. For files that describe a running process (a lock's owner), which mean nothing after
   * the machine itself has gone down; each flush is a disk round trip on the way to the first request.
   */
  async replaceUnflushed(file: string, data: string): Promise<void> {
    await replaceFile(file, data, { temp: `${file}~`, flush: false, beforeWrite: () => this.beforeWrite() });
  }

  async syncFile(file: string): Promise<void> {
    const handle = await open(file, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}
