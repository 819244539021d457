import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode } from '../errors.js';

export type Confined = { ok: true; absolute: string; relative: string } | { ok: false; reason: string };

function inside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The project first, so relative names stay relative to it; then the configured extra folders. */
async function roots(projectDir: string, allowedDirs: readonly string[]): Promise<string[]> {
  const resolved = await Promise.all(
    [projectDir, ...allowedDirs].map((dir) =>
      realpath(dir).catch((error: unknown) => {
        // A configured folder that does not exist simply allows nothing.
        if (errnoCode(error) === 'ENOENT') return null;
        throw error;
      }),
    ),
  );
  return resolved.filter((dir): dir is string => dir !== null);
}

function describe(roots: readonly string[], real: string): string {
  const root = roots.find((r) => inside(r, real)) ?? roots[0] ?? real;
  return root === roots[0] ? path.relative(root, real) || '.' : real;
}

type Candidate = { ok: true; roots: string[]; absolute: string } | { ok: false; reason: string };

/** The checks that need no file system: no NUL byte, and the lexically resolved path under a root. */
async function candidate(
  projectDir: string,
  requested: string,
  allowedDirs: readonly string[],
): Promise<Candidate> {
  if (requested.includes('\0')) return { ok: false, reason: 'the path contains a NUL byte' };
  const all = await roots(projectDir, allowedDirs);
  const absolute = path.resolve(all[0] ?? projectDir, requested);
  if (!all.some((root) => inside(root, absolute)))
    return { ok: false, reason: `${requested} is outside the project directory` };
  return { ok: true, roots: all, absolute };
}

/** Accepts a symlink-resolved path only if it still lies under a root. */
function settle(all: readonly string[], requested: string, real: string): Confined {
  if (!all.some((root) => inside(root, real)))
    return { ok: false, reason: `${requested} leads outside the project directory` };
  return { ok: true, absolute: real, relative: describe(all, real) };
}

/**
 * Resolves a model-supplied path inside the project directory (or a configured extra folder). Symlinks
 * are followed, so a link that points outside is refused like a `../` path.
 */
export async function confinePath(
  projectDir: string,
  requested: string,
  allowedDirs: readonly string[] = [],
): Promise<Confined> {
  const found = await candidate(projectDir, requested, allowedDirs);
  if (!found.ok) return found;
  try {
    return settle(found.roots, requested, await realpath(found.absolute));
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return { ok: false, reason: `${requested} does not exist` };
    throw error;
  }
}

/**
 * Like confinePath for a file that may not exist yet (write_file): its nearest existing ancestor must
 * resolve inside, so a symlinked folder cannot carry a new file outside the project.
 */
export async function confineNewPath(
  projectDir: string,
  requested: string,
  allowedDirs: readonly string[] = [],
): Promise<Confined> {
  const found = await candidate(projectDir, requested, allowedDirs);
  if (!found.ok) return found;
  const missing: string[] = [];
  for (let current = found.absolute; ; current = path.dirname(current)) {
    try {
      const real = path.join(await realpath(current), ...[...missing].reverse());
      return settle(found.roots, requested, real);
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT' || path.dirname(current) === current) throw error;
      missing.push(path.basename(current));
    }
  }
}
