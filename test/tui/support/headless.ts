/** A workspace screen on fake TTY streams: keys in, screen rows and written bytes out, no timers. */
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterEach } from 'vitest';
import type { Workspace } from '../../../src/core/api.js';
import { screenRow } from '../../../src/tui/blessed.js';
import { startTui, type RunningTui, type TuiOptions } from '../../../src/tui/index.js';
import { FIXED_NOW } from './fake-workspace.js';

export class FakeOutput extends Writable {
  isTTY = true;
  chunks: string[] = [];

  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }

  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.chunks.push(chunk.toString());
    done();
  }

  bytes(): string {
    return this.chunks.join('');
  }

  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}

export interface Headless {
  tui: RunningTui;
  output: FakeOutput;
  input: PassThrough;
  logFile: string;
  /** Writes key sequences, waits until blessed has read them and the actions they started have settled. */
  press(...sequences: string[]): Promise<void>;
  /** Settles pending actions and draws now. */
  flush(): Promise<void>;
  rows(): string[];
  text(): string;
}

export const KEY = {
  enter: '\r',
  tab: '\t',
  shiftTab: '\u001b[Z',
  ctrlN: '\u000e',
  ctrlP: '\u0010',
  ctrlC: '\u0003',
  ctrlJ: '\n',
  ctrlO: '\u000f',
  esc: '\u001b',
  up: '\u001b[A',
  down: '\u001b[B',
  right: '\u001b[C',
  left: '\u001b[D',
  pageUp: '\u001b[5~',
  pageDown: '\u001b[6~',
  f1: '\u001bOP',
  backspace: '\u007f',
  ctrlU: '\u0015',
} as const;

export async function startHeadless(
  ws: Workspace,
  size: { width: number; height: number },
  options: Partial<TuiOptions> = {},
): Promise<Headless> {
  const input = new PassThrough() as PassThrough & { isTTY: boolean; setRawMode: (m: boolean) => void };
  input.isTTY = true;
  input.setRawMode = () => undefined;
  const output = new FakeOutput(size.width, size.height);
  const logDir = mkdtempSync(path.join(tmpdir(), 'octo-tui-'));
  const logFile = path.join(logDir, 'tui.log');
  const removeLog = (): Promise<void> => rm(logDir, { recursive: true, force: true });
  const started = await startTui(ws, {
    noColor: false,
    logFile,
    input,
    output,
    clock: () => FIXED_NOW,
    ...options,
  }).catch(async (error: unknown) => {
    await removeLog();
    throw error;
  });
  // The log's folder goes when the screen exits: awaiting `exited` includes removing it.
  const tui: RunningTui = { ...started, exited: started.exited.finally(removeLog) };
  const flush = async (): Promise<void> => {
    await tui.controller.settle();
    tui.controller.scheduler.flush();
    // Blessed buffers its output until the next tick; tests read the bytes right after.
    tui.screen.program.flush();
  };
  const rows = (): string[] =>
    Array.from({ length: tui.screen.height }, (_, y) => screenRow(tui.screen, y).trimEnd());
  return {
    tui,
    output,
    input,
    logFile,
    press: async (...sequences) => {
      for (const sequence of sequences) {
        const seen = once(tui.keys, 'data');
        input.write(sequence);
        await seen;
      }
      await flush();
    },
    flush,
    rows,
    text: () => rows().join('\n'),
  };
}

/**
 * The headless screens of one test file: the function returned starts one and draws it; after each
 * test every screen it left running exits (and its log folder goes). A screen the test ended itself
 * is left alone.
 */
export function useHeadless(): (
  ws: Workspace,
  size: { width: number; height: number },
  options?: Partial<TuiOptions>,
) => Promise<Headless> {
  const running = new Set<Headless>();
  afterEach(async () => {
    const left = [...running];
    running.clear();
    for (const screen of left) {
      screen.tui.controller.onExit(0);
      await screen.tui.exited;
    }
  });
  return async (ws, size, options = {}) => {
    const screen = await startHeadless(ws, size, options);
    running.add(screen);
    // Settled before the test's own await of `exited` resumes: registered first.
    screen.tui.exited.then(
      () => running.delete(screen),
      () => running.delete(screen),
    );
    await screen.flush();
    return screen;
  };
}
