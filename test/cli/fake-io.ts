import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import type { CliIo, CliSignal } from '../../src/cli/io.js';

export interface FakeIo {
  io: CliIo;
  stdout(): string;
  stderr(): string;
  /** Delivers a signal to the run as the OS would. */
  signal(name: CliSignal): void;
  /** Calls `listener` on every chunk written to stdout. */
  onStdout(listener: (text: string) => void): void;
  forcedExits: number[];
}

export interface FakeIoOptions {
  env?: Record<string, string>;
  cwd: string;
  home: string;
  /** Text on stdin; when given, stdin is not a terminal. */
  input?: string;
  tty?: boolean;
  now?: number;
}

/** In-memory streams and signals for running the CLI in-process. */
export function fakeIo(options: FakeIoOptions): FakeIo {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  if (options.input !== undefined) stdin.end(options.input);
  const signals = new EventEmitter();
  const forcedExits: number[] = [];
  const tty = options.tty === true;
  return {
    io: {
      stdin,
      stdout,
      stderr,
      stdinIsTTY: tty && options.input === undefined,
      stdoutIsTTY: tty,
      stderrIsTTY: tty,
      env: { PATH: '/usr/bin:/bin', ...options.env },
      cwd: options.cwd,
      home: options.home,
      pid: process.pid,
      now: () => options.now ?? Date.now(),
      onSignal: (name, listener) => {
        signals.on(name, listener);
        return () => signals.off(name, listener);
      },
      forceExit: (code) => forcedExits.push(code),
    },
    stdout: () => Buffer.concat(out).toString('utf8'),
    stderr: () => Buffer.concat(err).toString('utf8'),
    signal: (name) => signals.emit(name),
    onStdout: (listener) => stdout.on('data', (chunk: Buffer) => listener(chunk.toString('utf8'))),
    forcedExits,
  };
}
