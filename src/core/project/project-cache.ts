import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode, getErrorMessage } from '../errors.js';
import { isString, isStringArray, recordOf } from '../text/index.js';
import { replaceFile } from '../replace-file.js';

/**
 * What octo learned about repositories, in `<data>/projects.json`: each repository's first commit
 * (finding it runs git and walks the history, so it is done once per checkout location), and which
 * project ids were seen in which directory (so sessions under an older id are still found).
 * It is a cache: losing it costs one git run, never a session.
 */
export interface ProjectCacheData {
  /** Real path of a repository's common git dir -> its first commit. */
  roots: Record<string, string>;
  /** Project directory -> project ids it had. */
  seen: Record<string, string[]>;
}

function checkCache(value: unknown): ProjectCacheData | null {
  if (typeof value !== 'object' || value === null) return null;
  const { roots, seen } = value as Record<string, unknown>;
  const checkedRoots = recordOf(roots, isString);
  const checkedSeen = recordOf(seen, isStringArray);
  return checkedRoots === null || checkedSeen === null ? null : { roots: checkedRoots, seen: checkedSeen };
}

export class ProjectCache {
  private changed = false;

  private constructor(
    private readonly file: string,
    private readonly data: ProjectCacheData,
  ) {}

  /** A missing or unreadable cache is an empty one; `problem` says why when it was not simply absent. */
  static async load(file: string): Promise<{ cache: ProjectCache; problem: string | null }> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      const absent = errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR';
      return {
        cache: ProjectCache.empty(file),
        problem: absent ? null : `${file}: ${getErrorMessage(error)}`,
      };
    }
    const data = checkCache(parseJson(text));
    if (data === null)
      return { cache: ProjectCache.empty(file), problem: `${file} is damaged; it will be rewritten` };
    return { cache: new ProjectCache(file, data), problem: null };
  }

  static empty(file: string): ProjectCache {
    return new ProjectCache(file, { roots: {}, seen: {} });
  }

  root(commonDir: string): string | undefined {
    return this.data.roots[commonDir];
  }

  setRoot(commonDir: string, commit: string): void {
    if (this.data.roots[commonDir] === commit) return;
    this.data.roots[commonDir] = commit;
    this.changed = true;
  }

  /** Notes that `dir` is project `id` now. */
  sawProject(dir: string, id: string): void {
    const ids = this.data.seen[dir] ?? [];
    if (ids.includes(id)) return;
    this.data.seen[dir] = [...ids, id];
    this.changed = true;
  }

  /** Directories where project `id` was seen, and the other ids each of them had. */
  history(id: string): { dirs: string[]; ids: string[] } {
    const entries = Object.entries(this.data.seen).filter(([, ids]) => ids.includes(id));
    return { dirs: entries.map(([dir]) => dir), ids: [...new Set(entries.flatMap(([, ids]) => ids))] };
  }

  /** Writes the cache if it changed (aside, then renamed over); the reason when it could not. */
  async save(): Promise<string | null> {
    if (!this.changed) return null;
    try {
      await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
      await replaceFile(this.file, `${JSON.stringify(this.data)}\n`);
      this.changed = false;
      return null;
    } catch (error) {
      return `could not save ${this.file}: ${getErrorMessage(error)}`;
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    return { invalid: getErrorMessage(error) };
  }
}
