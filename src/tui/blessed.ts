/**
 * The only file that imports neo-blessed (lint enforces it): a typed shim of what octo uses, the known
 * patches (emoji width, blessed's own process handlers), and the render scheduler.
 */
import childProcess from 'node:child_process';
import boxModule from 'neo-blessed/lib/widgets/box.js';
import elementModule from 'neo-blessed/lib/widgets/element.js';
import screenModule from 'neo-blessed/lib/widgets/screen.js';
import tputModule from 'neo-blessed/lib/tput.js';
import unicodeModule from 'neo-blessed/lib/unicode.js';
import { pointWidth } from './text/width.js';

export type Cell = [attr: number, ch: string];

export interface KeyEvent {
  full: string;
  name?: string;
  ctrl?: boolean;
  meta?: boolean;
  shift?: boolean;
  sequence?: string;
}

export interface MouseData {
  x: number;
  y: number;
  action: string;
}

export interface Program {
  readonly isAlt: boolean;
  on(event: 'keypress', listener: (ch: string | undefined, key: KeyEvent) => void): void;
  removeListener(event: 'keypress', listener: (ch: string | undefined, key: KeyEvent) => void): void;
  showCursor(): void;
  hideCursor(): void;
  disableMouse(): void;
  normalBuffer(): void;
  flush(): void;
  /** Writes a sequence to the terminal (buffered until the next flush). */
  _write(text: string): unknown;
}

export interface Look {
  fg?: string;
  bg?: string;
  bold?: boolean;
  inverse?: boolean;
  border?: { fg?: string };
  label?: { fg?: string; bold?: boolean };
}

export interface BoxOptions {
  top: number;
  left: number;
  width: number;
  height: number;
  border?: { type: 'line' };
  label?: string;
  tags: true;
  content?: string;
  style?: Look;
  hidden?: boolean;
  /** Blessed wraps text itself unless told not to; view models wrap. */
  wrap: false;
}

export interface Box {
  top: number;
  left: number;
  width: number;
  height: number;
  readonly atop: number;
  readonly aleft: number;
  readonly itop: number;
  readonly ileft: number;
  readonly hidden: boolean;
  style: Look;
  setContent(content: string): void;
  setLabel(label: string): void;
  show(): void;
  hide(): void;
  setFront(): void;
  destroy(): void;
  on(event: 'click' | 'wheelup' | 'wheeldown', listener: (data: MouseData) => void): void;
}

export interface Screen {
  readonly tput: { brokenACS: boolean };
  readonly lines: Cell[][];
  readonly width: number;
  readonly height: number;
  readonly program: Program;
  readonly destroyed?: boolean;
  render(): void;
  destroy(): void;
  /** Enters the alternate screen (done once when made; again after a suspend). */
  enter(): void;
  /** Leaves it, restoring the terminal (destroy, and blessed's own exit handler, call this). */
  leave(): void;
  alloc(): void;
  enableMouse(): void;
  on(event: 'resize', listener: () => void): void;
}

export interface ScreenOptions {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  title?: string;
}

interface BlessedModule {
  screen: ((options: Record<string, unknown>) => Screen) & Record<string, unknown>;
  box: (options: BoxOptions & { parent: Screen }) => Box;
}

interface UnicodeModule {
  charWidth: (str: string | number, i?: number) => number;
  codePointAt: (str: string, i: number) => number;
  chars: { all: unknown };
}

// The two widgets octo draws with, rather than neo-blessed's index, which loads all forty of them
// (images, video, forms, a PNG decoder): a third of the screen's start-up time. The command line's
// CommonJS bundle holds these files (scripts/build.mjs), so they come compiled from its code cache.
const blessed: BlessedModule = {
  screen: screenModule as BlessedModule['screen'],
  box: boxModule as BlessedModule['box'],
};
const unicode = unicodeModule as UnicodeModule;
const Tput = tputModule as TputModule;
const Element = elementModule as ElementModule;

type CompiledCap = (...args: unknown[]) => unknown;

interface TputModule {
  prototype: { _compile: (this: unknown, info: unknown, key: string, value: unknown) => unknown };
}

/**
 * Blessed compiles every capability of the terminfo (some 400, each through `new Function`) when a
 * screen is created, a sixth of the time to the first paint; octo uses a few dozen. Each string
 * capability is compiled the first time it is used instead.
 */
function compileTerminfoLazily(): void {
  const proto = Tput.prototype as TputModule['prototype'] & { octoLazy?: boolean };
  if (proto.octoLazy === true) return;
  proto.octoLazy = true;
  const compile = proto._compile;
  proto._compile = function lazyCompile(this: unknown, info, key, value) {
    // File capabilities are read from disk by blessed; only plain strings are deferred.
    if (typeof value !== 'string' || value === '' || key === 'init_file' || key === 'reset_file') {
      return compile.call(this, info, key, value);
    }
    const compileNow = (): CompiledCap => compile.call(this, info, key, value) as CompiledCap;
    let compiled: CompiledCap | undefined;
    return function compiledOnUse(this: unknown, ...args: unknown[]): unknown {
      compiled ??= compileNow();
      return compiled.apply(this, args);
    };
  };
}

interface UnicodePatch {
  octoPatched?: boolean;
  combining: Record<number, boolean>;
}

/** Only text beyond the Latin range can hold a wide or a zero-width character. */
const BEYOND_LATIN = /[\u0300-\uffff]/;

/**
 * What blessed's wide-character pattern is replaced with, by our measure: each character two
 * columns wide gets blessed's padding cell after it ('$1\x03'; '??' without full Unicode), and each
 * of no width joins the cell before (blessed's combining table, an older and shorter one, learns it).
 */
function padWide(text: string, replacement: string, combining: Record<number, boolean>): string {
  if (!BEYOND_LATIN.test(text)) return text;
  let out = '';
  let from = 0;
  let index = 0;
  for (const char of text) {
    const point = char.codePointAt(0) ?? 0;
    const at = index;
    index += char.length;
    if (point < 0x300) continue;
    const width = pointWidth(point);
    if (width === 0) combining[point] = true;
    if (width !== 2 || text[index] === '\u0003') continue;
    out += text.slice(from, at) + replacement.replace('$1', char);
    from = index;
  }
  return from === 0 ? text : out + text.slice(from);
}

function patchUnicode(): void {
  const original = unicode.charWidth;
  const marker = unicode as unknown as UnicodePatch;
  if (marker.octoPatched === true) return;
  marker.octoPatched = true;
  // Blessed measures emoji as one column while terminals draw two: borders drift. Measure as we wrap.
  unicode.charWidth = (str, i) => {
    const point = typeof str === 'number' ? str : unicode.codePointAt(str, i ?? 0);
    return point === 0x09 ? original(str, i) : pointWidth(point);
  };
  // Blessed pads the wide characters of its own table, which misses some (emoji among them).
  unicode.chars.all = {
    [Symbol.replace]: (text: string, replacement: string): string =>
      padWide(text, replacement, marker.combining),
  };
}

// eslint-disable-next-line no-control-regex -- blessed's content holds SGR sequences once tags are parsed
const SGR = /\u001b\[[\d;]*m/y;
// eslint-disable-next-line no-control-regex -- the same, all of them
const SGR_ALL = /\u001b\[[\d;]*m/g;

/**
 * A parsed line cut to `width` cells, as blessed's drawing fills them: an astral character is one
 * cell (its padding cell counts apart), a combining one none. The attributes set after the cut still
 * apply, so what follows is not drawn in them.
 */
function cutToCells(line: string, width: number, combining: Record<number, boolean>): string {
  let cells = 0;
  let i = 0;
  while (i < line.length) {
    SGR.lastIndex = i;
    if (line.charCodeAt(i) === 0x1b && SGR.test(line)) {
      i = SGR.lastIndex;
      continue;
    }
    const point = line.codePointAt(i) ?? 0;
    if (combining[point] !== true) {
      if (cells === width) return line.slice(0, i) + (line.slice(i).match(SGR_ALL)?.join('') ?? '');
      cells++;
    }
    i += point > 0xffff ? 2 : 1;
  }
  return line;
}

interface WrappedContent extends Array<string> {
  rtof: number[];
  ftor: number[][];
  fake: string[];
  real: string[];
  mwidth: number;
}

interface ElementModule {
  prototype: {
    octoCut?: boolean;
    _wrapContent: (this: { wrap: boolean }, content: string, width: number) => WrappedContent;
  };
}

/**
 * Panes get lines already wrapped (wrap: false), which blessed still cuts at the box's width, counting
 * UTF-16 units: an emoji or an astral CJK character (two units and a padding cell, drawn in two
 * cells) counted three, so the last character of a line holding one was cut off. Such lines are cut
 * by the cells they are drawn in.
 */
function cutLinesByCells(): void {
  const proto = Element.prototype;
  if (proto.octoCut === true) return;
  proto.octoCut = true;
  const wrapContent = proto._wrapContent;
  const combining = (unicode as unknown as UnicodePatch).combining;
  proto._wrapContent = function cutByCells(content, width) {
    if (this.wrap) return wrapContent.call(this, content, width);
    const fake = content.split('\n');
    const out = fake.map((line) => cutToCells(line, width, combining));
    return Object.assign(out, {
      rtof: fake.map((_, i) => i),
      ftor: fake.map((_, i) => [i]),
      fake,
      real: out,
      mwidth: out.reduce((widest, line) => Math.max(widest, line.replace(SGR_ALL, '').length), 0),
    });
  };
}

/** Blessed installs a blanket uncaughtException handler and exiting signal handlers; runTui owns those. */
function dropBlessedProcessHandlers(): void {
  const handlers: Array<[string, string]> = [
    ['uncaughtException', '_exceptionHandler'],
    ['SIGTERM', '_sigtermHandler'],
    ['SIGINT', '_sigintHandler'],
    ['SIGQUIT', '_sigquitHandler'],
  ];
  for (const [event, key] of handlers) {
    const handler = blessed.screen[key];
    if (typeof handler === 'function') process.removeListener(event, handler as (...args: unknown[]) => void);
  }
}

/**
 * Inside tmux, blessed's Program runs `tmux -V` synchronously while the screen is made: a process
 * spawned and waited for before the first paint (10–50 ms on a 2-core machine), only to compare the
 * version with 2 (mouse tracking through tmux). Every tmux since 2015 is 2 or later, so the screen is
 * made with that question answered as such; any other call goes through untouched.
 */
function withoutTmuxVersionProbe<T>(make: () => T): T {
  const original = childProcess.execFileSync;
  const answered = ((file: string, args?: readonly string[], ...rest: unknown[]) =>
    file === 'tmux' && args?.length === 1 && args[0] === '-V'
      ? 'tmux 2.0\n'
      : (original as (...a: unknown[]) => unknown)(file, args, ...rest)) as typeof original;
  childProcess.execFileSync = answered;
  try {
    return make();
  } finally {
    childProcess.execFileSync = original;
  }
}

/** xterm's bracketed paste mode (2004): the terminal marks where a paste begins and ends. */
const BRACKETED_PASTE_ON = '\u001b[?2004h';
const BRACKETED_PASTE_OFF = '\u001b[?2004l';

/**
 * Pastes arrive marked (input-filter.ts takes them whole) while the screen is up. The mode is turned off
 * wherever blessed leaves the screen: on quit, on a signal (terminal-guard.ts), after a fatal error, and
 * in blessed's own exit handler, which runs whatever ended the process.
 */
function bracketPastes(screen: Screen): void {
  const enter = screen.enter.bind(screen);
  const leave = screen.leave.bind(screen);
  screen.enter = () => {
    enter();
    screen.program._write(BRACKETED_PASTE_ON);
  };
  screen.leave = () => {
    if (screen.program.isAlt) screen.program._write(BRACKETED_PASTE_OFF);
    leave();
  };
  // Made entered: the mode is turned on for this first time here.
  screen.program._write(BRACKETED_PASTE_ON);
}

export function createScreen(options: ScreenOptions): Screen {
  patchUnicode();
  cutLinesByCells();
  compileTerminfoLazily();
  const screen = withoutTmuxVersionProbe(() =>
    blessed.screen({
      input: options.input,
      output: options.output,
      // Fixed terminfo: behaviour must not depend on the TERM of whoever runs the tests.
      terminal: 'xterm-256color',
      smartCSR: true,
      fullUnicode: true,
      forceUnicode: true,
      autoPadding: true,
      warnings: false,
      title: options.title ?? 'octo',
    }),
  );
  dropBlessedProcessHandlers();
  bracketPastes(screen);
  // Blessed draws lines and symbols (·, ◆) through the VT100 alternate charset when terminfo offers it;
  // every terminal octo targets speaks UTF-8, and ACS shows up as letters in tmux captures and copies.
  screen.tput.brokenACS = true;
  return screen;
}

export function createBox(screen: Screen, options: BoxOptions): Box {
  return blessed.box({ parent: screen, ...options });
}

/** The text of screen row `y` as drawn (content cells, wide-char padding removed). */
export function screenRow(screen: Screen, y: number): string {
  const row = screen.lines[y] ?? [];
  return (
    row
      .map((cell) => cell[1])
      .join('')
      // eslint-disable-next-line no-control-regex -- blessed's empty and wide-padding cells
      .replace(/[\u0000\u0003]/g, '')
  );
}

/** Frame length: renders are coalesced to at most one per this many ms. */
export const FRAME_MS = 16;

/**
 * A frame that took long spaces the next ones out: frames (streaming, timers) take at most a quarter
 * of the screen's thread, so that a key arriving mid-stream seldom waits behind one (README,
 * "Performance"); never more than FRAME_MAX_MS apart, though, so that the screen stays live.
 */
const FRAME_SHARE = 4;
const FRAME_MAX_MS = 100;

/**
 * Coalesces render requests: panes ask, one render a frame happens. A request for a keystroke is
 * urgent: it is drawn on the next turn of the event loop instead of waiting out a frame of streaming.
 * Frames are `frameMs` apart, or FRAME_SHARE times as long as the last render took (up to FRAME_MAX_MS).
 */
export class RenderScheduler {
  private timer: NodeJS.Timeout | null = null;
  private urgentPending = false;
  private last = -Infinity;
  private gap: number;
  private disposed = false;

  constructor(
    private readonly render: () => void,
    private readonly now: () => number = () => performance.now(),
    private readonly frameMs = FRAME_MS,
  ) {
    this.gap = frameMs;
  }

  request(options: { urgent: boolean } = { urgent: false }): void {
    const { urgent } = options;
    if (this.disposed) return;
    if (this.timer !== null) {
      if (!urgent || this.urgentPending) return;
      clearTimeout(this.timer);
    }
    this.urgentPending = urgent;
    const wait = urgent ? 0 : Math.max(0, this.last + this.gap - this.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Renders now (if anything is pending or forced), cancelling the pending frame. */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.urgentPending = false;
    if (this.disposed) return;
    this.last = this.now();
    this.render();
    const spent = this.now() - this.last;
    this.gap = Math.min(Math.max(this.frameMs, spent * FRAME_SHARE), Math.max(this.frameMs, FRAME_MAX_MS));
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
