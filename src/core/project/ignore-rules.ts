import { readFile } from 'node:fs/promises';
import path from 'node:path';
import ignore from 'ignore';
import { errnoCode } from '../errors.js';

/**
 * Folders never watched whatever .gitignore says: version control, dependencies, build output and
 * caches. Watching them costs file handles and floods events the model does not care about.
 */
const ALWAYS_IGNORED = [
  '.git/',
  '.hg/',
  '.svn/',
  'node_modules/',
  'dist/',
  'build/',
  'out/',
  'target/',
  'coverage/',
  '.next/',
  '.nuxt/',
  '.svelte-kit/',
  '.turbo/',
  '.cache/',
  '.parcel-cache/',
  '__pycache__/',
  '.venv/',
  '.tox/',
  '.gradle/',
];

/** Decides which paths of a project the watcher skips. */
export interface IgnoreRules {
  /** `rel` is relative to the project root; `isDir` when known. */
  ignores(rel: string, isDir: boolean | undefined): boolean;
}

/**
 * The defaults, then the root `.gitignore` and `.git/info/exclude` (nested .gitignore files are not
 * read: the defaults and the root file cover what makes a tree large).
 */
export async function loadIgnoreRules(projectDir: string, gitDir: string | null): Promise<IgnoreRules> {
  const matcher = ignore().add(ALWAYS_IGNORED);
  const sources = [
    path.join(projectDir, '.gitignore'),
    ...(gitDir === null ? [] : [path.join(gitDir, 'info', 'exclude')]),
  ];
  for (const file of sources) matcher.add(await readOptional(file));
  return {
    ignores(rel, isDir) {
      if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return false;
      const posix = rel.split(path.sep).join('/');
      if (isDir === true) return matcher.ignores(`${posix}/`);
      if (isDir === false) return matcher.ignores(posix);
      return matcher.ignores(posix) || matcher.ignores(`${posix}/`);
    },
  };
}

async function readOptional(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return '';
    throw error;
  }
}
