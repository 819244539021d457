import { spawn, type ChildProcess } from 'node:child_process';
import { getErrorMessage } from '../errors.js';

/**
 * The watchdog's program. It reads `+PGID` (watch) and `-PGID` (forget) lines on its standard input,
 * whose write end only octo holds (Node opens its pipes close-on-exec, so no child inherits it). End of
 * input means octo is gone, however it ended, even `kill -9`: each group still listed gets SIGTERM, and
 * SIGKILL if anything of it runs after the grace. Signals a terminal sends are ignored: it must outlive
 * octo to do its work, and it ends by itself once it has.
 */
const SCRIPT = `trap '' HUP INT QUIT TERM PIPE
groups=
while IFS= read -r line; do
  id=\${line#?}
  case $id in ''|*[!0-9]*) continue ;; esac
  case $line in
    +*) groups="$groups $id" ;;
    -*) keep=; for g in $groups; do [ "$g" = "$id" ] || keep="$keep $g"; done; groups=$keep ;;
  esac
done
alive=
for g in $groups; do kill -s TERM -- "-$g" 2>/dev/null && alive="$alive $g"; done
for i in 1 2 3 4 5 6 7 8 9 10; do
  [ -z "$alive" ] && exit 0
  left=; for g in $alive; do kill -s 0 -- "-$g" 2>/dev/null && left="$left $g"; done; alive=$left
  [ -z "$alive" ] && exit 0
  sleep 0.2 2>/dev/null || sleep 1
done
for g in $alive; do kill -s KILL -- "-$g" 2>/dev/null; done
`;

/** The name the watchdog shows in `ps` (its `$0`), so a user who sees it knows whose it is. */
export const WATCHDOG_NAME = 'octo-watchdog';

/**
 * One small `sh` per octo process, started with the first process group octo starts, that stops the
 * groups still running when octo ends without stopping them (killed with SIGKILL, crashed): a dev
 * server or a `sleep 600` does not outlive octo. The notes in `<data>/children/` stay the fallback for
 * when the watchdog itself could not run or was killed too.
 *
 * A group is forgotten once octo has stopped it; a group id is not given out again while any member
 * runs, so the only pid a watchdog could signal wrongly is one freed and reused in the moment between
 * the group's end and octo's `-PGID` line.
 */
export class Watchdog {
  private proc: ChildProcess | null = null;
  private readonly groups = new Set<number>();
  private failed = false;
  private closed = false;

  constructor(private readonly onError: (message: string) => void) {}

  /** Starts watching a group (its leader's pid is its id); starts the watchdog if none runs. */
  watch(pgid: number): void {
    if (this.closed) return;
    this.groups.add(pgid);
    if (this.proc === null) this.start();
    else this.send(`+${pgid}`);
  }

  /** The group was stopped by octo: the watchdog must no longer signal its id. */
  forget(pgid: number): void {
    if (!this.groups.delete(pgid)) return;
    this.send(`-${pgid}`);
  }

  /**
   * Ends the watchdog (octo closes normally): it stops the groups still watched, if any, and exits.
   * Octo's exit ends it the same way; this only makes it sooner.
   */
  close(): void {
    this.closed = true;
    this.proc?.stdin?.end();
    this.proc = null;
  }

  private start(): void {
    // Started once more if it died (killed by the user): the groups already running are sent again.
    if (this.failed) return;
    let proc: ChildProcess;
    try {
      // The program comes in the environment, so `ps` shows one short line: sh -c eval… octo-watchdog.
      proc = spawn('/bin/sh', ['-c', 'eval "$OCTO_WATCHDOG"', WATCHDOG_NAME], {
        env: { PATH: '/usr/bin:/bin', OCTO_WATCHDOG: SCRIPT },
        stdio: ['pipe', 'ignore', 'ignore'],
        // Its own session: no terminal signal (Ctrl-C, a closed terminal) reaches it with octo's group.
        detached: true,
      });
    } catch (error) {
      this.fail(error);
      return;
    }
    this.proc = proc;
    // It must never keep octo running, nor its pipe either.
    proc.unref();
    (proc.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    proc.once('error', (error) => this.fail(error));
    // EPIPE after it died: its 'exit' says so.
    proc.stdin?.on('error', () => undefined);
    proc.once('exit', () => {
      if (this.proc === proc) this.proc = null;
    });
    for (const pgid of this.groups) this.send(`+${pgid}`);
  }

  private send(line: string): void {
    const stdin = this.proc?.stdin;
    if (stdin && !stdin.destroyed) stdin.write(`${line}\n`);
    else if (line.startsWith('+') && !this.closed) this.start();
  }

  private fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.proc = null;
    this.onError(
      `The watchdog that stops shell commands and servers if octo is killed could not start: ${getErrorMessage(error)}`,
    );
  }
}
