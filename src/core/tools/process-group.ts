import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { errnoCode } from '../errors.js';
import type { Env } from '../deps.js';
import type { ChildNotes } from './types.js';

/** How long a process group gets between SIGTERM and SIGKILL. */
export const KILL_GRACE_MS = 2000;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface GroupProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Settles when the leader has exited and its output streams closed. */
  readonly exited: Promise<Exit>;
  /** SIGTERM to the whole group, SIGKILL after the grace; resolves once the leader is reaped. */
  kill(): Promise<Exit>;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    // ESRCH: the group is already gone, which is what we wanted.
    if (errnoCode(error) !== 'ESRCH') throw error;
  }
}

function definedEnv(env: Env): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/**
 * Spawns a command as the leader of its own process group, so that a timeout, an abort or a crash
 * can stop everything it started (npx → node, sh → children), leaving no orphan and no zombie.
 */
export function spawnGroup(
  command: string,
  args: readonly string[],
  options: {
    cwd: string;
    env: Env;
    stdio: SpawnOptions['stdio'];
    /** Notes the group until it is stopped, so a next octo can stop it if this one is killed. */
    children?: ChildNotes;
  },
): Promise<GroupProcess> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: definedEnv(options.env),
    stdio: options.stdio,
    detached: true,
  });
  const exited = new Promise<Exit>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('spawn', () => {
      child.off('error', reject);
      const pid = child.pid as number;
      const noted = options.children?.add(pid, [command, ...args].join(' '));
      let killing: Promise<Exit> | null = null;
      const kill = (): Promise<Exit> => {
        killing ??= (async () => {
          signalGroup(pid, 'SIGTERM');
          let timer: NodeJS.Timeout | undefined;
          const grace = new Promise<void>((done) => (timer = setTimeout(done, KILL_GRACE_MS)));
          await Promise.race([exited, grace]);
          clearTimeout(timer);
          // Also reaches members that outlived the leader or ignored SIGTERM.
          signalGroup(pid, 'SIGKILL');
          const exit = await exited;
          // Noting it may still be under way; the note goes only after it was written.
          await noted;
          await options.children?.remove(pid);
          return exit;
        })();
        return killing;
      };
      resolve({ child, pid, exited, kill });
    });
  });
}
