import fs from 'node:fs';
import { DIR_MODE } from './replace-file.js';

/**
 * The file-system functions proper-lockfile calls, with its lock folders made 0700 like every other
 * folder of the data dir (its own mkdir uses the default 0777 minus umask). A module of the core's root:
 * the store's locks and the search index's lock both use it.
 */
export const lockFs = {
  mkdir: (dir: string, callback: (error: NodeJS.ErrnoException | null) => void): void =>
    fs.mkdir(dir, { mode: DIR_MODE }, callback),
  realpath: fs.realpath,
  rmdir: fs.rmdir,
  rmdirSync: fs.rmdirSync,
  stat: fs.stat,
  utimes: fs.utimes,
};
