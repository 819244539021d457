import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { CatchUp } from '../api.js';
import type { Env } from '../deps.js';
import { errnoCode } from '../errors.js';
import { hasCommits, readGitLayout } from './git-files.js';
import { runGit } from './run-git.js';

export interface ProjectChanges {
  commits: CatchUp['commits'];
  commitCount: number;
  /** Relative paths, sorted, at most MAX_FILES. */
  files: string[];
  fileCount: number;
  problem: string | null;
}

/** Commits named in a catch-up; the rest are counted. */
const MAX_COMMITS = 10;
/** Files named in a catch-up; the rest are counted. */
const MAX_FILES = 50;
/** Working-tree files checked for a change time: a huge dirty tree is not stat'ed file by file. */
const MAX_DIRTY_CHECKED = 500;

const NOTHING: ProjectChanges = { commits: [], commitCount: 0, files: [], fileCount: 0, problem: null };

/** A commit id as git writes it (SHA-1 or SHA-256): anything else read from a record is not passed to git. */
const COMMIT_ID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/**
 * What changed in a git project since a moment: commits, the files they touched, and working-tree
 * files modified since. With `recordedHead` (the HEAD commit stored with the session's last message)
 * the commits are exactly `git log <recordedHead>..HEAD`, so one made in the same second as the last
 * reply counts; when that commit is gone (a rebase, then gc) or none was recorded, commits are found by
 * their commit time. Outside git there is nothing to say. Runs git: never on start-up, only when a
 * session is resumed for writing.
 */
export async function changesSince(
  dir: string,
  since: string,
  env: Env,
  recordedHead: string | null = null,
): Promise<ProjectChanges> {
  const layout = readGitLayout(dir);
  if (layout === null || !hasCommits(layout)) return NOTHING;
  const { range, problem: rangeProblem } = await commitRange(dir, since, recordedHead, env);
  const [log, names, status] = await Promise.all([
    runGit(dir, ['log', ...range, '--format=%H%x1f%an%x1f%cI%x1f%s'], env),
    runGit(dir, ['log', ...range, '--name-only', '--format=', '-z'], env),
    runGit(dir, ['status', '--porcelain=v1', '-z', '--untracked-files=normal'], env),
  ]);
  const problems = [log, names, status].flatMap((answer) => (answer.ok ? [] : [answer.reason]));
  if (rangeProblem !== null) problems.unshift(rangeProblem);
  const commits = log.ok ? parseLog(log.stdout) : [];
  const committed = names.ok ? names.stdout.split('\0').filter((name) => name !== '') : [];
  const dirty = status.ok ? await touchedSince(dir, parseStatus(status.stdout), Date.parse(since)) : [];
  const files = [...new Set([...committed, ...dirty])].sort();
  return {
    commits: commits.slice(0, MAX_COMMITS),
    commitCount: commits.length,
    files: files.slice(0, MAX_FILES),
    fileCount: files.length,
    problem: problems.length > 0 ? problems.join('; ') : null,
  };
}

/** The `git log` arguments that select the new commits, and why the exact range could not be used. */
async function commitRange(
  dir: string,
  since: string,
  recorded: string | null,
  env: Env,
): Promise<{ range: string[]; problem: string | null }> {
  const recordedHead = recorded !== null && COMMIT_ID.test(recorded) ? recorded : null;
  if (recordedHead !== null) {
    const known = await runGit(dir, ['cat-file', '-e', `${recordedHead}^{commit}`], env);
    if (known.ok) return { range: [`${recordedHead}..HEAD`], problem: null };
  }
  // Commit times have whole seconds: one in the same second as `since` most likely came before it.
  const nextSecond = new Date((Math.floor(Date.parse(since) / 1000) + 1) * 1000).toISOString();
  const range = [`--since=${nextSecond.replace(/\.\d+Z$/, 'Z')}`];
  if (recordedHead === null) return { range, problem: null };
  return {
    range,
    problem: `the commit of the last message (${recordedHead.slice(0, 7)}) is no longer in the repository (history rewritten?); new commits are those committed after it`,
  };
}

function parseLog(stdout: string): CatchUp['commits'] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [sha = '', author = '', at = '', subject = ''] = line.split('\x1f');
      return { sha, author, at, subject };
    });
}

/** `XY path` entries; a rename or copy is followed by an entry with its old path, skipped. */
function parseStatus(stdout: string): string[] {
  const entries = stdout.split('\0');
  const paths: string[] = [];
  for (let i = 0; i < entries.length; i += 1) {
    const entry = entries[i] ?? '';
    if (entry.length < 4) continue;
    paths.push(entry.slice(3));
    if (entry[0] === 'R' || entry[0] === 'C') i += 1;
  }
  return paths;
}

async function touchedSince(dir: string, files: readonly string[], since: number): Promise<string[]> {
  const checked = await Promise.all(
    files.slice(0, MAX_DIRTY_CHECKED).map(async (file) => {
      try {
        return (await stat(path.join(dir, file))).mtimeMs >= since ? [file] : [];
      } catch (error) {
        // Deleted since: that is a change too.
        if (errnoCode(error) === 'ENOENT') return [file];
        throw error;
      }
    }),
  );
  return checked.flat().map((file) => file.replace(/\/$/, ''));
}
