/** The outside world of one CLI run: streams, environment and signals, injected so tests run in-process. */
import type { Readable, Writable } from 'node:stream';
import { Chalk, type ChalkInstance } from 'chalk';
import type { Env } from '../core/deps.js';
import { toJsonText } from '../core/text/index.js';

/** SIGHUP: the terminal was closed (or its output is gone); handled like SIGTERM. */
export type CliSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  env: Env;
  cwd: string;
  home: string;
  pid: number;
  /** Milliseconds since the epoch (relative ages in lists). */
  now(): number;
  /** Subscribes to a process signal; returns the unsubscribe function. */
  onSignal(signal: CliSignal, listener: () => void): () => void;
  /** Ends the process now (a second Ctrl-C); tests record the code instead. */
  forceExit(code: ExitCode): void;
}

/** Exit codes are part of the command-line contract (docs/architecture.md "Command line"). */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  budget: 3,
  /** 128 + the signal's number, as shells report it. */
  hangup: 129,
  interrupted: 130,
  terminated: 143,
} as const;

/** The exit code of a run stopped by `signal`. */
export function signalExit(signal: CliSignal): ExitCode {
  switch (signal) {
    case 'SIGINT':
      return EXIT.interrupted;
    case 'SIGTERM':
      return EXIT.terminated;
    case 'SIGHUP':
      return EXIT.hangup;
  }
}

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A thrown exit: a command decided how the run ends and has already said why. */
export class CliExit extends Error {
  constructor(readonly code: ExitCode) {
    super(`exit ${code}`);
    this.name = 'CliExit';
  }
}

/** Colour only on a terminal and never when NO_COLOR is set (https://no-color.org). */
export function colourFor(isTTY: boolean, env: Env): ChalkInstance {
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  return new Chalk({ level: isTTY && !noColor && env.TERM !== 'dumb' ? 1 : 0 });
}

/** Line-oriented writers with colour decided once per stream. */
export class Output {
  readonly out: ChalkInstance;
  readonly err: ChalkInstance;

  constructor(readonly io: CliIo) {
    this.out = colourFor(io.stdoutIsTTY, io.env);
    this.err = colourFor(io.stderrIsTTY, io.env);
  }

  write(text: string): void {
    this.io.stdout.write(text);
  }

  line(text = ''): void {
    this.io.stdout.write(`${text}\n`);
  }

  /** One write for many lines: a thousand-row list written line by line costs tens of ms. */
  lines(lines: readonly string[]): void {
    if (lines.length > 0) this.io.stdout.write(`${lines.join('\n')}\n`);
  }

  note(text: string): void {
    this.io.stderr.write(`${text}\n`);
  }

  error(text: string): void {
    this.io.stderr.write(`${this.err.red('octo:')} ${text}\n`);
  }

  json(value: unknown): void {
    this.io.stdout.write(`${toJsonText(value, 2)}\n`);
  }
}
