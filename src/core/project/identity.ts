import { createHash } from 'node:crypto';
import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ProjectInfo } from '../api.js';
import { errnoCode, getErrorMessage, OctoError } from '../errors.js';

/** Hex characters of the hash kept in an id: 64 bits, far beyond the number of projects on one machine. */
const ID_HEX_CHARS = 16;

/**
 * The project of a directory: the enclosing git root, or the directory itself outside git.
 * On the start-up path, so synchronous and without child processes (no `git rev-parse`).
 */
export function resolveProject(cwd: string): ProjectInfo {
  const start = realDirectory(cwd);
  const dir = gitRoot(start) ?? start;
  return { id: projectIdOf(dir), dir };
}

/** The id of a project directory; the same real path always gives the same id. */
export function projectIdOf(dir: string): string {
  return `p_${createHash('sha256').update(dir).digest('hex').slice(0, ID_HEX_CHARS)}`;
}

/** Walks up looking for `.git`: a directory in a normal clone, a file in worktrees and submodules. */
function gitRoot(start: string): string | null {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const entry = statSync(path.join(dir, '.git'), { throwIfNoEntry: false });
    if (entry?.isDirectory() === true || entry?.isFile() === true) return dir;
    if (path.dirname(dir) === dir) return null;
  }
}

/** Real path first, so a symlinked checkout and its target are one project. */
function realDirectory(cwd: string): string {
  try {
    return realpathSync.native(cwd);
  } catch (error) {
    throw new OctoError(
      'store_io',
      `${cwd}: cannot resolve the project directory: ${getErrorMessage(error)}`,
      {
        cause: error,
        details: { path: cwd, code: errnoCode(error) ?? null },
      },
    );
  }
}
