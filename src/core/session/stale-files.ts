import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode } from '../errors.js';

/** Larger files are compared by size and change time rather than read and hashed. */
const MAX_HASHED_BYTES = 4 * 1024 * 1024;

/**
 * Which of the files the model read have changed on disk since it read them. Compared by content, so
 * a touch or a checkout that leaves the bytes alone is not a change; each file's checks run one after
 * another, so the model's own write and the watcher's event for it cannot race.
 */
export class StaleFiles {
  /** Relative path -> signature at the model's latest read or write. */
  private readonly known = new Map<string, string>();
  /** Relative path -> whether the model was already told. */
  private readonly stale = new Map<string, boolean>();
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly dir: string,
    private readonly onChange: (paths: string[]) => void,
    /** A file that cannot be read or hashed (permissions, I/O) is reported, and left as it was. */
    private readonly onError: (rel: string, error: unknown) => void,
  ) {}

  /**
   * Files read earlier (path -> when), with the signatures saved when the session last closed: a file
   * whose content differs from its saved signature is stale. Without one (a crash), a file changed
   * after the read (by its modification time) is. The others get a baseline.
   */
  async load(read: ReadonlyMap<string, string>, saved: Readonly<Record<string, string>>): Promise<void> {
    await Promise.all(
      [...read].map(([rel, at]) =>
        this.serial(rel, async () => {
          const file = path.join(this.dir, rel);
          const baseline = saved[rel];
          if (baseline !== undefined) {
            this.known.set(rel, baseline);
            if ((await signature(file)) !== baseline) this.stale.set(rel, false);
            return;
          }
          const info = await statOrNull(file);
          if (info === null || info.mtimeMs > Date.parse(at)) this.stale.set(rel, false);
          else this.known.set(rel, await signature(file));
        }),
      ),
    );
    if (this.stale.size > 0) this.onChange(this.list());
  }

  /** What the model saw of each file: saved when the session closes, for the next resume. */
  baselines(): Record<string, string> {
    return Object.fromEntries(this.known);
  }

  tracks(rel: string): boolean {
    return this.known.has(rel) || this.stale.has(rel);
  }

  /** The model read or wrote `rel` just now: what is on disk is what it knows. */
  read(rel: string): Promise<void> {
    return this.serial(rel, async () => {
      this.known.set(rel, await signature(path.join(this.dir, rel)));
      if (this.stale.delete(rel)) this.onChange(this.list());
    });
  }

  /** The watcher saw `rel` change. */
  recheck(rel: string): Promise<void> {
    return this.serial(rel, async () => {
      const baseline = this.known.get(rel);
      if (baseline === undefined || this.stale.has(rel)) return;
      if ((await signature(path.join(this.dir, rel))) === baseline) return;
      this.stale.set(rel, false);
      this.onChange(this.list());
    });
  }

  list(): string[] {
    return [...this.stale.keys()].sort();
  }

  /** Stale files the model was not told about yet; they count as told from now on. */
  takeUntold(): string[] {
    const untold = this.list().filter((rel) => this.stale.get(rel) === false);
    for (const rel of untold) this.stale.set(rel, true);
    return untold;
  }

  markTold(paths: readonly string[]): void {
    for (const rel of paths) if (this.stale.has(rel)) this.stale.set(rel, true);
  }

  /** Waits for the checks under way (a note is about to be written). */
  async settled(): Promise<void> {
    await Promise.all(this.queues.values());
  }

  /** Runs after the file's earlier checks; never rejects, so one failure does not block the queue. */
  private serial(rel: string, work: () => Promise<void>): Promise<void> {
    const next = (this.queues.get(rel) ?? Promise.resolve())
      .then(work)
      .catch((error: unknown) => this.onError(rel, error));
    this.queues.set(rel, next);
    return next;
  }
}

async function statOrNull(file: string): Promise<Stats | null> {
  try {
    return await stat(file);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return null;
    throw error;
  }
}

async function signature(file: string): Promise<string> {
  const info = await statOrNull(file);
  if (info === null) return 'missing';
  if (!info.isFile()) return 'not a file';
  if (info.size > MAX_HASHED_BYTES) return `${info.size}:${info.mtimeMs}`;
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}
