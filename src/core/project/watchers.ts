import { ProjectWatcher, type WatchLimits, type WatchStatus } from './watcher.js';

/** One session's use of its project's watcher. */
export interface WatchLease {
  readonly dir: string;
  /** Absolute paths of files added, changed or removed, in batches. */
  onChange(listener: (paths: string[]) => void): () => void;
  watchFiles(files: readonly string[]): void;
  status(): WatchStatus;
  /** The watcher stops when its last lease is released. Idempotent. */
  release(): Promise<void>;
}

export interface ProjectWatchersOptions extends WatchLimits {
  /** `[project] watch = false` turns watching off: leases then report no changes. */
  enabled: boolean;
  onStatus(dir: string, status: WatchStatus): void;
  /** Every batch of changes, once per directory however many sessions watch it. */
  onChanges(projectId: string, dir: string, paths: string[]): void;
}

/**
 * The workspace's project watchers, one per directory however many of its sessions are open, started
 * with the first session opened for writing there and stopped when the last one closes.
 */
export class ProjectWatchers {
  private readonly byDir = new Map<string, { watcher: ProjectWatcher; leases: number }>();

  constructor(private readonly options: ProjectWatchersOptions) {}

  acquire(dir: string, projectId: string): WatchLease {
    if (!this.options.enabled) return idleLease(dir);
    const entry = this.byDir.get(dir) ?? this.start(dir, projectId);
    entry.leases += 1;
    this.byDir.set(dir, entry);
    const unsubscribes: Array<() => void> = [];
    let released = false;
    return {
      dir,
      onChange: (listener) => {
        const off = entry.watcher.onChange(listener);
        unsubscribes.push(off);
        return off;
      },
      watchFiles: (files) => entry.watcher.watchFiles(files),
      status: () => entry.watcher.status(),
      release: async () => {
        if (released) return;
        released = true;
        for (const off of unsubscribes) off();
        entry.leases -= 1;
        if (entry.leases > 0) return;
        this.byDir.delete(dir);
        await entry.watcher.close();
      },
    };
  }

  private start(dir: string, projectId: string): { watcher: ProjectWatcher; leases: number } {
    const watcher = new ProjectWatcher(dir, this.options, (status) => this.options.onStatus(dir, status));
    watcher.onChange((paths) => this.options.onChanges(projectId, dir, paths));
    return { watcher, leases: 0 };
  }

  async closeAll(): Promise<void> {
    const watchers = [...this.byDir.values()].map((entry) => entry.watcher);
    this.byDir.clear();
    await Promise.all(watchers.map((watcher) => watcher.close()));
  }
}

function idleLease(dir: string): WatchLease {
  return {
    dir,
    onChange: () => () => undefined,
    watchFiles: () => undefined,
    status: () => ({ state: 'closed', paths: 0, reason: 'watching is off ([project] watch = false)' }),
    release: () => Promise.resolve(),
  };
}
