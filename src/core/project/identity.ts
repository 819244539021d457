import { createHash } from 'node:crypto';
import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ProjectInfo } from '../api.js';
import type { Env } from '../deps.js';
import { errnoCode, getErrorMessage, OctoError } from '../errors.js';
import { hasCommits, readGitLayout, remoteUrl, type GitLayout } from './git-files.js';
import { ProjectCache } from './project-cache.js';
import { runGit } from './run-git.js';

/** Hex characters of the hash kept in an id: 64 bits, far beyond the number of projects on one machine. */
const ID_HEX_CHARS = 16;

/** A project as the workspace uses it: with the older ids its sessions may still carry. */
export interface ResolvedProject extends ProjectInfo {
  /** Ids that mean this project too: its directory's path id, and ids it had before a move. */
  aliases: string[];
}

/**
 * The project of a directory by path alone: the enclosing git root, or the directory itself outside
 * git, with the path id (`p_…`). Synchronous and without child processes; `identifyProject` adds the
 * repository identity on top.
 */
export function resolveProject(cwd: string): ProjectInfo {
  const start = realDirectory(cwd);
  const dir = gitRoot(start) ?? start;
  return { id: projectIdOf(dir), dir };
}

/** The path id of a project directory: what every session had before ids survived moves. */
export function projectIdOf(dir: string): string {
  return `p_${hash(dir)}`;
}

export interface IdentifyOptions {
  /** `<data>/projects.json`. */
  cacheFile: string;
  env: Env;
}

/**
 * The project of a directory with an identity that survives moving or renaming the checkout: for a
 * git repository with commits, its first commit and remote URL (and the worktree's name for a linked
 * worktree, so worktrees are projects of their own in one `group`). Elsewhere, the path id.
 * Files are read directly; git runs only the first time a checkout location is seen.
 * `problem` says why the identity could not be established (the path id is used then).
 */
export async function identifyProject(
  cwd: string,
  options: IdentifyOptions,
): Promise<{ project: ResolvedProject; problem: string | null }> {
  const base = resolveProject(cwd);
  const plain = { project: { ...base, aliases: [] }, problem: null };
  let layout: GitLayout | null;
  let commonDir: string;
  try {
    layout = readGitLayout(base.dir);
    if (layout === null || !hasCommits(layout)) return plain;
    commonDir = realOrSame(layout.commonDir);
  } catch (error) {
    return { ...plain, problem: `${base.dir}: cannot read the git metadata: ${getErrorMessage(error)}` };
  }
  const { cache, problem: cacheProblem } = await ProjectCache.load(options.cacheFile);
  const root = cache.root(commonDir) ?? (await firstCommit(base.dir, options.env));
  if (typeof root !== 'string') return { ...plain, problem: root.reason };
  cache.setRoot(commonDir, root);
  const remote = remoteUrl(layout);
  const id = `g_${hash([root, remote ?? '', layout.worktree ?? ''].join('\0'))}`;
  cache.sawProject(base.dir, id);
  const { dirs, ids } = cache.history(id);
  const aliases = [...new Set([...dirs.map(projectIdOf), ...ids, base.id])].filter((alias) => alias !== id);
  const saveProblem = await cache.save();
  const project: ResolvedProject = {
    id,
    dir: base.dir,
    group: `r_${hash([root, remote ?? ''].join('\0'))}`,
    git: { firstCommit: root, remote, worktree: layout.worktree },
    aliases,
  };
  return { project, problem: cacheProblem ?? saveProblem };
}

/**
 * The project of the directory octo started in, as the workspace shows it: identified by its
 * repository, with the reason attached when only its path could be used.
 */
export async function currentProject(cwd: string, dataDir: string, env: Env): Promise<ResolvedProject> {
  // Reads .git files and a small cache; git itself runs only the first time a checkout is seen.
  const identified = await identifyProject(cwd, { cacheFile: path.join(dataDir, 'projects.json'), env });
  return identified.problem === null
    ? identified.project
    : { ...identified.project, identityProblem: identified.problem };
}

/** The root of the first-parent chain: stable as branches come and go and histories are merged in. */
async function firstCommit(dir: string, env: Env): Promise<string | { reason: string }> {
  const answer = await runGit(dir, ['rev-list', '--max-parents=0', '--first-parent', 'HEAD'], env);
  if (!answer.ok) return { reason: `${dir}: the repository's first commit is unknown (${answer.reason})` };
  const commit = answer.stdout.trim().split('\n')[0] ?? '';
  return /^[0-9a-f]{40,64}$/.test(commit) ? commit : { reason: `${dir}: git gave no first commit` };
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, ID_HEX_CHARS);
}

/** Walks up looking for `.git`: a directory in a normal clone, a file in worktrees and submodules. */
function gitRoot(start: string): string | null {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const entry = statSync(path.join(dir, '.git'), { throwIfNoEntry: false });
    if (entry?.isDirectory() === true || entry?.isFile() === true) return dir;
    if (path.dirname(dir) === dir) return null;
  }
}

function realOrSame(dir: string): string {
  try {
    return realpathSync.native(dir);
  } catch (error) {
    // A worktree whose main repository is gone still has a name for it: the path it was given.
    if (errnoCode(error) === 'ENOENT') return dir;
    throw error;
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
