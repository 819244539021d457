import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { errnoCode } from '../errors.js';

interface Matcher {
  /** The folder the .gitignore lives in, relative to the walk root ('' for the root). */
  base: string;
  rules: Ignore;
}

export interface WalkOptions {
  /** The folder the .gitignore rules are relative to (the project root). */
  root: string;
  /** Where to start, relative to root. */
  start: string;
  signal: AbortSignal;
}

/** Folders never worth descending into, ignored or not. */
const ALWAYS_SKIPPED = new Set(['.git', 'node_modules']);

async function readRules(dir: string): Promise<Ignore | null> {
  try {
    return ignore().add(await readFile(path.join(dir, '.gitignore'), 'utf8'));
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'EISDIR') return null;
    throw error;
  }
}

function ignoredBy(matchers: readonly Matcher[], relative: string, kind: 'folder' | 'file'): boolean {
  return matchers.some((m) => {
    const inBase = m.base === '' ? relative : path.posix.relative(m.base, relative);
    if (inBase.startsWith('..') || inBase === '') return false;
    return m.rules.ignores(kind === 'folder' ? `${inBase}/` : inBase);
  });
}

/** The .gitignore files of every folder from the root down to `start` (exclusive of start itself). */
async function ancestors(root: string, start: string): Promise<Matcher[]> {
  const parts = start === '' ? [] : start.split('/');
  const matchers: Matcher[] = [];
  for (let i = 0; i < parts.length; i += 1) {
    const base = parts.slice(0, i).join('/');
    const rules = await readRules(path.join(root, base));
    if (rules !== null) matchers.push({ base, rules });
  }
  return matchers;
}

/**
 * Files under `start`, as root-relative POSIX paths, in a stable order, honouring every .gitignore on
 * the way (nested ones included). Symlinked folders are not followed: they could loop or lead outside.
 */
export async function* walkFiles(options: WalkOptions): AsyncGenerator<string> {
  const start = options.start === '.' ? '' : options.start.split(path.sep).join('/');
  const stack: Array<{ dir: string; matchers: Matcher[] }> = [
    { dir: start, matchers: await ancestors(options.root, start) },
  ];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    options.signal.throwIfAborted();
    const absolute = path.join(options.root, next.dir);
    const own = await readRules(absolute);
    const matchers = own === null ? next.matchers : [...next.matchers, { base: next.dir, rules: own }];
    const entries = (await readdir(absolute, { withFileTypes: true })).sort((a, b) =>
      a.name.localeCompare(b.name),
    );
    const folders: string[] = [];
    for (const entry of entries) {
      const relative = next.dir === '' ? entry.name : `${next.dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!ALWAYS_SKIPPED.has(entry.name) && !ignoredBy(matchers, relative, 'folder'))
          folders.push(relative);
      } else if ((entry.isFile() || entry.isSymbolicLink()) && !ignoredBy(matchers, relative, 'file')) {
        yield relative;
      }
    }
    for (const folder of folders.reverse()) stack.push({ dir: folder, matchers });
  }
}
