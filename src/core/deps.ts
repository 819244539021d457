/** What the core may know of the outside world; tests inject every part. */
export interface Clock {
  /** Milliseconds since the epoch. May jump backwards: order by seq, never by time. */
  now(): number;
}

export type Env = Readonly<Record<string, string | undefined>>;

export interface WorkspaceDeps {
  env: Env;
  /** The user's home folder (for ~/.local/share and ~/.config defaults). */
  home: string;
  /** The directory octo was started in; its project is the current project. */
  cwd: string;
  clock: Clock;
  /** For the provider client; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Process id written into locks. */
  pid: number;
  /** Timers of scheduled work (`/schedule`); defaults to the global ones. Tests pass fake timers. */
  timers?: Timers;
}

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = { now: () => Date.now() };

export const systemTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
