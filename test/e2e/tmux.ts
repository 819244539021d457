/** The real binary in a terminal: a private tmux server per test (120x40 unless told), driven and read like a user. */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { makeOctoHome, REPO, type OctoHome } from './support.js';

const run = promisify(execFile);
/** How long the screen may take to show what a step expects before the test fails with the screen. */
const DEADLINE_MS = 10_000;
/** Between two captures while waiting. */
const POLL_MS = 40;
/** How long the pane's programs get to finish after SIGHUP (octo saves and writes its caches) before SIGKILL. */
const EXIT_GRACE_MS = 15_000;

/** The parent of every process now running, from /proc (a process gone meanwhile is left out). */
async function parents(): Promise<Map<number, number>> {
  const result = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (Number.isInteger(ppid)) result.set(Number(entry), ppid);
  }
  return result;
}

/** `roots` and every process below them. */
async function processTree(roots: readonly number[]): Promise<number[]> {
  const tree = await parents();
  const found = new Set(roots.filter((pid) => tree.has(pid)));
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, ppid] of tree)
      if (found.has(ppid) && !found.has(pid)) {
        found.add(pid);
        grew = true;
      }
  }
  return [...found];
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Waits until none of `pids` runs; SIGKILL to those left after the grace. */
async function awaitExit(pids: readonly number[]): Promise<void> {
  const until = Date.now() + EXIT_GRACE_MS;
  while (pids.some(alive)) {
    if (Date.now() > until) for (const pid of pids.filter(alive)) process.kill(pid, 'SIGKILL');
    await delay(POLL_MS);
  }
}

export interface TmuxTerminal {
  /** tmux send-keys: key names (Enter, C-c, Right) or literal text. */
  keys(...keys: string[]): Promise<void>;
  /** Pastes `text` as one burst (tmux paste-buffer), as a terminal delivers a paste. */
  paste(text: string): Promise<void>;
  /**
   * Pastes `text` as a terminal with bracketed paste does (tmux load-buffer, then paste-buffer -p:
   * the markers are sent when the program asked for them); tmux sends each newline as CR, as terminals do.
   */
  bracketedPaste(text: string): Promise<void>;
  capture(): Promise<string>;
  /** The screen with its colours and attributes as escape sequences (capture-pane -e). */
  captureEscaped(): Promise<string>;
  /** The screen once `test` holds for it; fails with the screen after the deadline (default 10 s). */
  waitFor(what: string, test: (screen: string) => boolean, deadlineMs?: number): Promise<string>;
  /** The pid of the pane's first process (the command given to `start`). */
  panePid(): Promise<number>;
  /**
   * Closes the terminal: the pane's processes get SIGHUP, as when a terminal window is closed, and are
   * waited for (SIGKILL after 15 s).
   */
  close(): Promise<void>;
}

/**
 * Starts `command` (default: an interactive bash without rc files) in the project folder with exactly
 * the home's environment plus a terminal's. The server is killed by `close`, which a test's afterEach
 * should call (closing twice is harmless).
 */
export async function startTerminal(
  home: OctoHome,
  command: readonly string[] = [],
  size: { width: number; height: number } = { width: 120, height: 40 },
): Promise<TmuxTerminal> {
  const socket = `octo-test-${randomBytes(6).toString('hex')}`;
  const tmux = async (...args: string[]): Promise<string> =>
    (await run('tmux', ['-L', socket, ...args])).stdout;
  const env = Object.entries({
    ...home.env,
    NO_COLOR: '',
    TERM: 'xterm-256color',
    LANG: 'C.UTF-8',
    // An interactive bash killed with the server would write its history into HOME while it is removed.
    HISTFILE: '/dev/null',
  }).map(([k, v]) => `${k}=${v}`);
  const program = command.length > 0 ? command : ['bash', '--norc', '--noprofile', '-i'];
  await tmux(
    'new-session',
    '-d',
    '-s',
    'octo',
    '-x',
    String(size.width),
    '-y',
    String(size.height),
    '-c',
    home.projectDir,
    'env',
    '-i',
    ...env,
    ...program,
  );
  const capture = (): Promise<string> => tmux('capture-pane', '-p', '-t', 'octo');
  return {
    keys: async (...keys) => {
      await tmux('send-keys', '-t', 'octo', ...keys);
    },
    paste: async (text) => {
      await tmux('set-buffer', '-b', 'octo-test', text);
      await tmux('paste-buffer', '-d', '-b', 'octo-test', '-t', 'octo');
    },
    bracketedPaste: async (text) => {
      const file = path.join(home.root, `paste-${randomBytes(4).toString('hex')}.txt`);
      await writeFile(file, text);
      await tmux('load-buffer', '-b', 'octo-paste', file);
      await tmux('paste-buffer', '-p', '-d', '-b', 'octo-paste', '-t', 'octo');
      await rm(file, { force: true });
    },
    capture,
    captureEscaped: () => tmux('capture-pane', '-p', '-e', '-t', 'octo'),
    waitFor: async (what, test, deadlineMs = DEADLINE_MS) => {
      const until = Date.now() + deadlineMs;
      let screen = await capture();
      while (!test(screen)) {
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}; the screen was:\n${screen}`);
        await delay(POLL_MS);
        screen = await capture();
      }
      return screen;
    },
    panePid: async () => Number((await tmux('list-panes', '-t', 'octo', '-F', '#{pane_pid}')).trim()),
    close: async () => {
      // The pane's programs outlive the server by a moment (octo saves and writes its code cache as it
      // exits on SIGHUP): wait for them, or removing the home races with their last writes.
      const panes = await tmux('list-panes', '-a', '-F', '#{pane_pid}').catch(() => '');
      const programs = await processTree(panes.split('\n').filter(Boolean).map(Number));
      await tmux('kill-server').catch((error: unknown) => {
        // The server is gone already when its only program exited; anything else is a real failure.
        if (!String(error).includes('no server running') && !String(error).includes('error connecting'))
          throw error;
      });
      await awaitExit(programs);
    },
  };
}

/** What a test of the full screen in tmux works with (see useTmuxWorkspace). */
export interface TmuxWorkspace {
  readonly fake: FakeProvider;
  readonly home: OctoHome;
  readonly terminal: TmuxTerminal;
}

/**
 * Registers the hooks of a file of full-screen tests: one fake provider for the file (dist/ must be
 * built); for each test a fresh octo home and a terminal of `size` in its project folder, both closed
 * and removed after the test.
 */
export function useTmuxWorkspace(size?: { width: number; height: number }): TmuxWorkspace {
  let fake: FakeProvider | null = null;
  let home: OctoHome | null = null;
  let terminal: TmuxTerminal | null = null;
  const ready = <T>(value: T | null, what: string): T => {
    if (value === null) throw new Error(`no ${what}: use it inside a test`);
    return value;
  };
  beforeAll(async () => {
    if (!existsSync(path.join(REPO, 'dist', 'cli', 'main.js')))
      throw new Error('dist/ is missing: run npm run build first');
    fake = await startFakeProvider();
  });
  afterAll(async () => {
    await fake?.close();
  });
  beforeEach(async () => {
    home = await makeOctoHome(ready(fake, 'fake provider').url);
    terminal = await startTerminal(home, [], size);
  });
  afterEach(async () => {
    await terminal?.close();
    await home?.cleanup();
    terminal = null;
    home = null;
  });
  return {
    get fake() {
      return ready(fake, 'fake provider');
    },
    get home() {
      return ready(home, 'octo home');
    },
    get terminal() {
      return ready(terminal, 'terminal');
    },
  };
}
