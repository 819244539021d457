import type { Stats } from 'node:fs';
import path from 'node:path';
import type { FSWatcher } from 'chokidar';
import { getErrorMessage } from '../errors.js';
import { readGitLayout } from './git-files.js';
import { loadIgnoreRules, type IgnoreRules } from './ignore-rules.js';

export interface WatchStatus {
  state: 'starting' | 'watching' | 'capped' | 'failed' | 'closed';
  /** Files and folders watched. */
  paths: number;
  /** Why the watch failed, or what the cap left out. */
  reason?: string;
}

export interface WatchLimits {
  /** Paths watched at most; beyond it only files the model read are added (a huge tree stays cheap). */
  maxPaths: number;
  /** Folder levels below the project root. */
  depth: number;
}

/** Events within this window reach listeners as one batch: a save or a checkout is many events. */
const BATCH_MS = 50;

/**
 * chokidar on one project directory, bounded: what .gitignore and the defaults skip is never
 * watched, nor anything past `maxPaths` except files added by name (those the model read).
 */
export class ProjectWatcher {
  private fsw: FSWatcher | null = null;
  private rules: IgnoreRules | null = null;
  private readonly accepted = new Set<string>();
  private readonly explicit = new Set<string>();
  private readonly listeners = new Set<(paths: string[]) => void>();
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private current: WatchStatus = { state: 'starting', paths: 0 };
  private capped = false;
  readonly started: Promise<void>;
  private closing = false;
  /** Ends the wait for the first scan: closing must not wait for a large tree to be scanned. */
  private stopWaiting: () => void = () => undefined;

  constructor(
    readonly dir: string,
    private readonly limits: WatchLimits,
    private readonly onStatus: (status: WatchStatus) => void,
  ) {
    this.started = this.start();
  }

  status(): WatchStatus {
    return this.current;
  }

  onChange(listener: (paths: string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Watches these files by name, even in ignored folders or past the cap. */
  watchFiles(files: readonly string[]): void {
    const added = files.filter((file) => !this.accepted.has(file) && !this.explicit.has(file));
    for (const file of added) this.explicit.add(file);
    if (added.length > 0 && this.fsw !== null) this.fsw.add(added);
  }

  async close(): Promise<void> {
    this.closing = true;
    this.stopWaiting();
    await this.started;
    if (this.timer !== null) clearTimeout(this.timer);
    this.listeners.clear();
    await this.fsw?.close();
    this.fsw = null;
    this.setStatus({ state: 'closed', paths: 0 });
  }

  private async start(): Promise<void> {
    try {
      // Loaded here, never at start-up: only a session open for writing watches its project.
      const [{ watch }, rules] = await Promise.all([
        import('chokidar'),
        loadIgnoreRules(this.dir, readGitLayout(this.dir)?.gitDir ?? null),
      ]);
      this.rules = rules;
      if (this.closing) return;
      const fsw = watch([this.dir, ...this.explicit], {
        ignored: (file: string, stats?: Stats) => this.skips(file, stats),
        ignoreInitial: true,
        depth: this.limits.depth,
      });
      this.fsw = fsw;
      fsw.on('all', (event, file) => {
        if (event === 'add' || event === 'change' || event === 'unlink') this.queue(file);
      });
      fsw.on('error', (error) =>
        this.setStatus({ state: 'failed', paths: this.accepted.size, reason: getErrorMessage(error) }),
      );
      // An error during the first scan may mean 'ready' never comes; either ends the start.
      await new Promise<void>((resolve) => {
        this.stopWaiting = resolve;
        fsw.once('ready', () => resolve());
        fsw.once('error', () => resolve());
      });
      if (this.closing || this.current.state === 'failed') return;
      this.setStatus(
        this.capped
          ? {
              state: 'capped',
              paths: this.accepted.size,
              reason: `more than ${this.limits.maxPaths} paths: only the first ones and the files the model read are watched`,
            }
          : { state: 'watching', paths: this.accepted.size },
      );
    } catch (error) {
      this.setStatus({ state: 'failed', paths: 0, reason: getErrorMessage(error) });
    }
  }

  private skips(file: string, stats: Stats | undefined): boolean {
    if (file === this.dir || this.explicit.has(file)) return false;
    if (this.rules?.ignores(path.relative(this.dir, file), stats?.isDirectory()) === true) return true;
    if (this.accepted.has(file)) return false;
    if (this.accepted.size >= this.limits.maxPaths) {
      this.capped = true;
      return true;
    }
    this.accepted.add(file);
    return false;
  }

  private queue(file: string): void {
    this.pending.add(file);
    this.timer ??= setTimeout(() => this.flush(), BATCH_MS);
  }

  private flush(): void {
    this.timer = null;
    const paths = [...this.pending];
    this.pending = new Set();
    for (const listener of this.listeners) listener(paths);
  }

  private setStatus(status: WatchStatus): void {
    this.current = status;
    this.onStatus(status);
  }
}
