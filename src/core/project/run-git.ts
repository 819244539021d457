import { execFile } from 'node:child_process';
import type { Env } from '../deps.js';
import { getErrorMessage } from '../errors.js';

/** git's answer, or why there is none: git missing, not a repository, too slow. Expected, so a value. */
export type GitAnswer = { ok: true; stdout: string } | { ok: false; reason: string };

/** A log or status of a huge repository must not stall opening a session. */
const GIT_TIMEOUT_MS = 5_000;
/** Outputs are capped by the callers' own limits well before this. */
const GIT_MAX_BUFFER = 8 * 1024 * 1024;
/** What git needs from octo's environment: where programs and the user's git config are. */
const PASSED_ON = ['PATH', 'HOME', 'USER', 'LOGNAME', 'TMPDIR', 'XDG_CONFIG_HOME', 'SYSTEMROOT'];

/** Runs `git -C dir ...args` without a shell, in the background of whatever asked. */
export function runGit(dir: string, args: readonly string[], env: Env): Promise<GitAnswer> {
  const passed = Object.fromEntries(
    PASSED_ON.flatMap((name) => (env[name] === undefined ? [] : [[name, env[name]]])),
  );
  const childEnv = {
    ...passed,
    LC_ALL: 'C',
    GIT_TERMINAL_PROMPT: '0',
    // `git status` would otherwise take index.lock and could make the user's own git command fail.
    GIT_OPTIONAL_LOCKS: '0',
  };
  return new Promise((resolve) => {
    execFile(
      'git',
      ['-C', dir, ...args],
      { env: childEnv, timeout: GIT_TIMEOUT_MS, maxBuffer: GIT_MAX_BUFFER, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve({ ok: true, stdout });
          return;
        }
        const said = stderr.trim().split('\n')[0] ?? '';
        resolve({
          ok: false,
          reason: `git ${args[0] ?? ''}: ${said !== '' ? said : getErrorMessage(error)}`,
        });
      },
    );
  });
}
