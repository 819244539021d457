import type { CatchUp } from '../api.js';
import type { NewRecord, ProjectNotice } from '../store/index.js';

/** Paths named in one note; the rest are counted, so a checkout of thousands stays a short note. */
const MAX_NAMED = 20;
/** Commits named in a catch-up note. */
const MAX_COMMITS_NAMED = 5;

function named(paths: readonly string[], total = paths.length): string {
  const shown = paths.slice(0, MAX_NAMED).join(', ');
  return total > MAX_NAMED ? `${shown} and ${total - MAX_NAMED} more` : shown;
}

function note(content: string, notice: ProjectNotice): NewRecord {
  return { kind: 'message', role: 'system', content, inContext: true, notice };
}

/** Told before the next request: which files the model knows have changed since (never their content). */
export function filesChangedNote(paths: readonly string[]): NewRecord {
  return note(
    `[octo] Files you read earlier have changed on disk since: ${named(paths)}. Read them again before relying on what you saw.`,
    { kind: 'filesChanged', paths: [...paths] },
  );
}

/** Told with the first message after a resume: what happened in the project meanwhile. */
export function catchUpNote(c: CatchUp): NewRecord {
  const lines = [`[octo] Since this session's last message (${c.since}):`];
  if (c.replyCutOff)
    lines.push(
      '- your last reply was cut off: octo stopped (it was killed or crashed) while it was being written, and what was not saved is lost. Continue from where the conversation stands.',
    );
  if (c.dirMissing) lines.push(`- the project directory ${c.projectDir} is missing.`);
  if (c.commitCount > 0) {
    const commits = c.commits
      .slice(0, MAX_COMMITS_NAMED)
      .map((commit) => `${commit.sha.slice(0, 7)} ${commit.subject}`);
    const more = c.commitCount > commits.length ? ` and ${c.commitCount - commits.length} more` : '';
    lines.push(
      `- ${c.commitCount} new commit${c.commitCount === 1 ? '' : 's'}: ${commits.join('; ')}${more}.`,
    );
  }
  if (c.filesChangedCount > 0) lines.push(`- files changed: ${named(c.filesChanged, c.filesChangedCount)}.`);
  if (c.readFilesChanged.length > 0)
    lines.push(`- of the files you read, changed since: ${named(c.readFilesChanged)}.`);
  return note(lines.join('\n'), {
    kind: 'catchUp',
    commits: c.commitCount,
    files: c.filesChangedCount,
    dirMissing: c.dirMissing,
  });
}

/** Written when a session is re-attached to its moved checkout; the summary follows it. */
export function movedNote(move: {
  from: string;
  to: string;
  projectId: string;
  projectGroup?: string;
}): NewRecord {
  return note(
    `[octo] The project directory moved from ${move.from} to ${move.to}. Paths in earlier messages refer to the old place; tools now work in the new one.`,
    { kind: 'moved', ...move },
  );
}

/** True when a catch-up has anything to say. */
export function catchUpMatters(c: CatchUp): boolean {
  return (
    c.replyCutOff ||
    c.dirMissing ||
    c.commitCount > 0 ||
    c.filesChangedCount > 0 ||
    c.readFilesChanged.length > 0
  );
}
