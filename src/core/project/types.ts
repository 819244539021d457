/** The project vocabulary of the workspace contract (api.ts re-exports it). */

export interface ProjectInfo {
  /**
   * Stable identity of the project: for a git repository with commits `g_…` (its first commit, remote
   * URL and worktree name), so it survives moving or renaming the checkout; elsewhere `p_…` (the path).
   */
  id: string;
  /** The project's root directory (git root, or the directory itself outside git). */
  dir: string;
  /** Worktrees of one repository share this; list them together. Absent outside git. */
  group?: string;
  /** What the identity was made of (absent outside git, or when it could not be found). */
  git?: { firstCommit: string; remote: string | null; worktree: string | null };
  /** Why the repository identity could not be found (git missing, too slow); the path id is used. */
  identityProblem?: string;
}

/** What happened in the project since the session's last message (shown on resume). */
export interface CatchUp {
  /** Time of the session's last message. */
  since: string;
  projectDir: string;
  /** The project directory is not there any more. */
  dirMissing: boolean;
  /** Newest first, at most a few; `commitCount` is the full number. */
  commits: Array<{ sha: string; subject: string; author: string; at: string }>;
  commitCount: number;
  /** Files changed in those commits or in the working tree since then (relative; capped). */
  filesChanged: string[];
  filesChangedCount: number;
  /** Of the files the model read, those changed since it read them. */
  readFilesChanged: string[];
  /** Why part of this is unknown (git missing or too slow, the recorded commit gone), or null. */
  problem: string | null;
  /**
   * The session's writer died (kill -9, a crash) while a reply was being written: the reply is cut off
   * (what streamed of it was not saved).
   */
  replyCutOff: boolean;
}
