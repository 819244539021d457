import { stat } from 'node:fs/promises';
import type { ProjectInfo } from '../api.js';
import { errnoCode } from '../errors.js';
import type { ResolvedProject } from '../project/index.js';
import { movedNote } from './project-notes.js';
import type { NewRecord, SessionSummary } from '../store/index.js';

/** A session of this project (by identity, or an older id of it). */
export function belongsTo(summary: SessionSummary, project: ResolvedProject): boolean {
  return summary.projectId === project.id || project.aliases.includes(summary.projectId);
}

/**
 * A session of this project whose directory is gone moved with its checkout: it is re-attached here
 * when opened. One whose directory is still there is another checkout of the same repository (a
 * second clone) and stays where it is.
 */
export async function movedHere(summary: SessionSummary, project: ResolvedProject): Promise<boolean> {
  return (
    summary.projectDir !== project.dir &&
    belongsTo(summary, project) &&
    !(await isDirectory(summary.projectDir))
  );
}

/** The record that re-attaches `summary` to `project`. */
export function reattachRecord(summary: SessionSummary, project: ProjectInfo): NewRecord {
  return movedNote({
    from: summary.projectDir,
    to: project.dir,
    projectId: project.id,
    ...(project.group === undefined ? {} : { projectGroup: project.group }),
  });
}

export async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return false;
    throw error;
  }
}

/** Marks summaries whose project directory is not on disk (one stat per distinct directory). */
export async function withMissingDirs(summaries: readonly SessionSummary[]): Promise<SessionSummary[]> {
  const dirs = [...new Set(summaries.map((s) => s.projectDir))];
  const present = new Map(await Promise.all(dirs.map(async (dir) => [dir, await isDirectory(dir)] as const)));
  return summaries.map((s) => ({ ...s, projectMissing: present.get(s.projectDir) !== true }));
}
