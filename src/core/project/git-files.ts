import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { errnoCode } from '../errors.js';

/**
 * A checkout's git metadata, read from files rather than by running git: this is on the start-up
 * path of every command, `octo sessions list` included.
 */
export interface GitLayout {
  /** This checkout's git dir: `.git`, or `<common>/worktrees/<name>` for a linked worktree. */
  gitDir: string;
  /** The repository's shared git dir (refs, objects, config). */
  commonDir: string;
  /** The name of a linked worktree; null for the main checkout and for submodules. */
  worktree: string | null;
}

/** Refs named in HEAD are read as files: only plain ref names, so HEAD cannot point us elsewhere. */
const SAFE_REF = /^refs\/[A-Za-z0-9._\-/]+$/;
const OBJECT_ID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

export function readGitLayout(root: string): GitLayout | null {
  const dotGit = path.join(root, '.git');
  const entry = statSync(dotGit, { throwIfNoEntry: false });
  if (entry?.isDirectory() === true) return { gitDir: dotGit, commonDir: dotGit, worktree: null };
  if (entry?.isFile() !== true) return null;
  const target = /^gitdir:\s*(.+?)\s*$/m.exec(readText(dotGit) ?? '')?.[1];
  if (target === undefined) return null;
  const gitDir = path.resolve(root, target);
  const common = readText(path.join(gitDir, 'commondir'));
  // Only linked worktrees have a `commondir`; a submodule's git dir is a repository of its own.
  if (common === null) return { gitDir, commonDir: gitDir, worktree: null };
  return { gitDir, commonDir: path.resolve(gitDir, common.trim()), worktree: path.basename(gitDir) };
}

/** False for a fresh `git init`: HEAD names a branch that has no commit yet. */
export function hasCommits(layout: GitLayout): boolean {
  return headCommit(layout) !== null;
}

/**
 * The commit HEAD points at, read from files (a detached HEAD, a loose ref, or packed-refs); null
 * when the branch has no commit yet or HEAD names something that is not a plain ref.
 */
export function headCommit(layout: GitLayout): string | null {
  const head = readText(path.join(layout.gitDir, 'HEAD'))?.trim() ?? '';
  if (OBJECT_ID.test(head)) return head;
  const ref = /^ref:\s*(\S+)$/.exec(head)?.[1];
  if (ref === undefined || !SAFE_REF.test(ref) || ref.includes('..')) return null;
  const loose = readText(path.join(layout.commonDir, ref))?.trim();
  if (loose !== undefined) return OBJECT_ID.test(loose) ? loose : null;
  const packed = readText(path.join(layout.commonDir, 'packed-refs')) ?? '';
  for (const line of packed.split('\n')) {
    const [id = '', name] = line.trim().split(' ');
    if (name === ref && OBJECT_ID.test(id)) return id;
  }
  return null;
}

/** The HEAD commit of the git checkout at `dir`, or null outside git or before the first commit. */
export function projectHead(dir: string): string | null {
  const layout = readGitLayout(dir);
  return layout === null ? null : headCommit(layout);
}

/** The URL of `origin`, else of the first remote by name; normalised so https and ssh forms agree. */
export function remoteUrl(layout: GitLayout): string | null {
  const urls = new Map<string, string>();
  let section: string | null = null;
  for (const raw of (readText(path.join(layout.commonDir, 'config')) ?? '').split('\n')) {
    const line = raw.trim();
    if (line.startsWith('[')) {
      section = /^\[\s*remote\s+"([^"]*)"\s*\]$/.exec(line)?.[1] ?? null;
      continue;
    }
    const url = /^url\s*=\s*(.+)$/i.exec(line)?.[1];
    if (section !== null && url !== undefined && !urls.has(section)) urls.set(section, url.trim());
  }
  const chosen = urls.get('origin') ?? [...urls.entries()].sort(([a], [b]) => a.localeCompare(b))[0]?.[1];
  return chosen === undefined ? null : normalizeRemote(chosen);
}

/** `git@host:a/b.git`, `ssh://git@host/a/b` and `https://host/a/b/` all become `host/a/b`. */
export function normalizeRemote(url: string): string {
  const unquoted = url.replace(/^"(.*)"$/, '$1');
  const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/)(.+)$/.exec(unquoted);
  const withoutScheme = scp ? `${scp[1]}/${scp[2]}` : unquoted.replace(/^[a-z+]+:\/\/(?:[^@/]+@)?/i, '');
  const [host = '', ...rest] = withoutScheme.split('/');
  return [host.toLowerCase(), ...rest]
    .join('/')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
}

/** A file's text, or null when it is not there; any other failure is for the caller to report. */
function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return null;
    throw error;
  }
}
