import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode } from '../errors.js';

/** Larger files are compared by size and change time rather than read and hashed. */
const MAX_HASHED_BYTES = 4 * 1024 * 1024;
/**
 * A file whose modification time is this close to when its content was hashed may have changed again
 * within the same timestamp tick (the "racy" case of git's index): its stat is not trusted to stand
 * for its content, and it is hashed again.
 */
const RACY_MS = 2_000;

/**
 * What the model saw of a file: its content's signature, and the size and modification time it had
 * when hashed, at `hashedAt`. While size and time stay the same the content is taken to be the same,
 * so a resume stats the files the model read instead of reading and hashing each one.
 */
export interface Baseline {
  signature: string;
  size: number;
  mtimeMs: number;
  hashedAt: number;
}

/** Saved baselines: older cache files hold the signature alone. */
export type SavedBaseline = Baseline | string;

/**
 * Which of the files the model read have changed on disk since it read them. Compared by content, so
 * a touch or a checkout that leaves the bytes alone is not a change; each file's checks run one after
 * another, so the model's own write and the watcher's event for it cannot race.
 */
export class StaleFiles {
  /** Relative path -> what it was at the model's latest read or write. */
  private readonly known = new Map<string, Baseline>();
  /** Relative path -> whether the model was already told. */
  private readonly stale = new Map<string, boolean>();
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly dir: string,
    private readonly onChange: (paths: string[]) => void,
    /** A file that cannot be read or hashed (permissions, I/O) is reported, and left as it was. */
    private readonly onError: (rel: string, error: unknown) => void,
    private readonly now: () => number,
  ) {}

  /**
   * Files read earlier (path -> when), with the baselines saved when the session last closed: a file
   * whose content differs from its saved signature is stale. Without one (a crash), a file changed
   * after the read (by its modification time) is. The others get a baseline.
   */
  async load(
    read: ReadonlyMap<string, string>,
    saved: Readonly<Record<string, SavedBaseline>>,
  ): Promise<void> {
    // Files read before the records loaded (a long session resumed from its end) are known by their
    // saved baselines alone.
    const tracked = new Map(read);
    for (const rel of Object.keys(saved)) if (!tracked.has(rel)) tracked.set(rel, '');
    await Promise.all(
      [...tracked].map(([rel, at]) =>
        this.serial(rel, async () => {
          const file = path.join(this.dir, rel);
          const baseline = saved[rel];
          if (baseline !== undefined) {
            const now = await this.current(file, baseline);
            this.known.set(rel, now);
            if (now.signature !== signatureOf(baseline)) this.stale.set(rel, false);
            return;
          }
          const info = await statOrNull(file);
          if (info === null || info.mtimeMs > Date.parse(at)) this.stale.set(rel, false);
          else this.known.set(rel, await this.baseline(file));
        }),
      ),
    );
    if (this.stale.size > 0) this.onChange(this.list());
  }

  /**
   * Checks every file still taken as unchanged (by its stat, reading only those whose stat moved):
   * changes made while nothing watched (before the watcher started) are found here.
   */
  async recheckAll(): Promise<void> {
    const before = this.stale.size;
    await Promise.all(
      [...this.known.keys()].map((rel) =>
        this.serial(rel, async () => {
          const baseline = this.known.get(rel);
          if (baseline === undefined || this.stale.has(rel)) return;
          const now = await this.current(path.join(this.dir, rel), baseline);
          if (now.signature !== baseline.signature) this.stale.set(rel, false);
        }),
      ),
    );
    if (this.stale.size > before) this.onChange(this.list());
  }

  /** What the model saw of each file: saved when the session closes, for the next resume. */
  baselines(): Record<string, Baseline> {
    return Object.fromEntries(this.known);
  }

  /** Every file the model read or wrote, stale or not. */
  tracked(): string[] {
    return [...new Set([...this.known.keys(), ...this.stale.keys()])];
  }

  tracks(rel: string): boolean {
    return this.known.has(rel) || this.stale.has(rel);
  }

  /** The model read or wrote `rel` just now: what is on disk is what it knows. */
  read(rel: string): Promise<void> {
    return this.serial(rel, async () => {
      this.known.set(rel, await this.baseline(path.join(this.dir, rel)));
      if (this.stale.delete(rel)) this.onChange(this.list());
    });
  }

  /** The watcher saw `rel` change. */
  recheck(rel: string): Promise<void> {
    return this.serial(rel, async () => {
      const baseline = this.known.get(rel);
      if (baseline === undefined || this.stale.has(rel)) return;
      if ((await this.baseline(path.join(this.dir, rel))).signature === baseline.signature) return;
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

  /** The file's baseline now: hashed unless its stat still matches a trusted `earlier` one. */
  private async current(file: string, earlier: SavedBaseline): Promise<Baseline> {
    if (typeof earlier === 'string') return this.baseline(file);
    const info = await statOrNull(file);
    const same =
      info !== null &&
      info.isFile() &&
      info.size === earlier.size &&
      info.mtimeMs === earlier.mtimeMs &&
      earlier.mtimeMs < earlier.hashedAt - RACY_MS;
    return same ? earlier : this.baseline(file, info);
  }

  /** Hashes the file's content (or, over the size limit, takes its size and time for it). */
  private async baseline(file: string, known?: Stats | null): Promise<Baseline> {
    const hashedAt = this.now();
    const info = known === undefined ? await statOrNull(file) : known;
    const from = (signature: string): Baseline => ({
      signature,
      size: info?.size ?? -1,
      mtimeMs: info?.mtimeMs ?? 0,
      hashedAt,
    });
    if (info === null) return from('missing');
    if (!info.isFile()) return from('not a file');
    if (info.size > MAX_HASHED_BYTES) return from(`${info.size}:${info.mtimeMs}`);
    return from(
      createHash('sha256')
        .update(await readFile(file))
        .digest('hex'),
    );
  }
}

function signatureOf(saved: SavedBaseline): string {
  return typeof saved === 'string' ? saved : saved.signature;
}
async function statOrNull(file: string): Promise<Stats | null> {
  try {
    return await stat(file);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return null;
    throw error;
  }
}
