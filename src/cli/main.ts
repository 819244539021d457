/**
 * The octo executable (bin/octo.js runs its CommonJS bundle, dist/cjs/octo.js, through ./boot.ts).
 * Everything heavy is imported lazily by runCli, so `octo sessions list` starts fast.
 */
import { homedir } from 'node:os';
import type { Writable } from 'node:stream';
import { runCli } from './run-cli.js';
import type { CliIo, CliSignal } from './io.js';

/** Resolves once everything written so far has been handed to the OS. */
function drained(stream: Writable): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()));
}

let outputLost = false;
let hungUp = false;

/**
 * `octo sessions list | head -1` closes stdout early: that is the reader's choice, not an error.
 * A closed terminal fails writes with EIO, often before its SIGHUP arrives: while something handles
 * SIGHUP (a turn, the workspace), a lost output is that hangup, so the partial reply is saved and the
 * lock released before exiting, and later failed writes are ignored. Any other write failure is
 * reported on stderr and ends the run.
 */
function guardOutput(stream: Writable, name: string): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (outputLost) return;
    const gone = error.code === 'EPIPE' || error.code === 'EIO';
    if (gone && process.listenerCount('SIGHUP') > 0) {
      outputLost = true;
      process.emit('SIGHUP', 'SIGHUP');
      return;
    }
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    if (name !== 'stderr') process.stderr.write(`octo: cannot write to ${name}: ${error.message}\n`);
    process.exit(1);
  });
}

guardOutput(process.stdout, 'stdout');
guardOutput(process.stderr, 'stderr');

const io: CliIo = {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  stdinIsTTY: process.stdin.isTTY === true,
  stdoutIsTTY: process.stdout.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true,
  env: { ...process.env },
  cwd: process.cwd(),
  home: homedir(),
  pid: process.pid,
  now: () => Date.now(),
  onSignal: (signal: CliSignal, listener: () => void) => {
    const handler = (): void => {
      // A hangup comes twice when octo leads the terminal's session (the kernel and tmux or the emulator
      // each send one). Once the turn that handled the first is over, a second, or a failed write to the
      // closed terminal, must not end octo before the session is closed (reply saved, lock released).
      if (signal === 'SIGHUP' && !hungUp) {
        hungUp = true;
        process.on('SIGHUP', () => undefined);
      }
      listener();
    };
    process.on(signal, handler);
    return () => process.off(signal, handler);
  },
  forceExit: (code) => process.exit(code),
};

/**
 * A function rather than top-level await: the command line also runs as a CommonJS bundle (dist/cjs/,
 * for its code cache: ./code-cache.ts), which has none. A rejection is node's unhandled one: printed,
 * exit code 1.
 */
async function main(): Promise<void> {
  const code = await runCli(process.argv.slice(2), io);
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  // After a hangup the terminal is gone, and Node 20's exit aborts (SIGABRT, maybe a core dump) when it
  // cannot restore the terminal's modes (nodejs/node#51519, fixed in later Node): end of the hangup instead,
  // once all is saved, which a shell reports as 129 too.
  if (hungUp && (io.stdinIsTTY || io.stdoutIsTTY || io.stderrIsTTY)) {
    process.removeAllListeners('SIGHUP');
    process.kill(process.pid, 'SIGHUP');
  }
  // Exit explicitly: a keep-alive socket or a watcher left open by a library must not keep octo running.
  process.exit(code);
}

void main();
