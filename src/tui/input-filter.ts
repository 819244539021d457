/**
 * Sits between the terminal and neo-blessed. Turns the Shift-Enter sequences of terminals that send one
 * (CSI-u and xterm modifyOtherKeys) into Ctrl-J, which blessed understands; blessed would type them as
 * text. Takes a bracketed paste (ESC[200~ … ESC[201~) out of the stream whole: blessed would split it into
 * keys, and its newlines would send the first line. The paste's place among the keys is kept by one
 * ESC[200~ left in the stream (a key blessed names "undefined"), which the key handler trades for the
 * paste with `takePaste`.
 */
import { PassThrough } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

// eslint-disable-next-line no-control-regex -- matching terminal key sequences is the point
const SHIFT_ENTER = /\u001b\[13;2u|\u001b\[27;2;13~/g;

export const PASTE_START = '\u001b[200~';
export const PASTE_END = '\u001b[201~';
/** What stands for a paste among the keys blessed reads (it reports the sequence with the key). */
export const PASTE_MARK = PASTE_START;

/**
 * A paste whose end marker never comes (a terminal that lost it) ends when its bytes stop for this
 * long, rather than swallowing every key after it.
 */
const PASTE_IDLE_MS = 1_000;
/** A split marker at the end of a read waits this long for the rest before it counts as keys. */
const SPLIT_MARKER_MS = 50;

interface TtyLike extends NodeJS.ReadableStream {
  isTTY?: boolean;
  isRaw?: boolean;
  setRawMode?: (mode: boolean) => unknown;
}

export interface FilteredInput {
  stream: NodeJS.ReadableStream;
  /** The oldest paste not yet taken, for the PASTE_MARK key that stands for it. */
  takePaste(): string | undefined;
  dispose(): void;
}

export function translateKeys(chunk: string): string {
  return chunk.replace(SHIFT_ENTER, '\n');
}

/** How many characters at the end of `text` could begin `marker` (a marker split between two reads). */
export function partialMarker(text: string, marker: string): number {
  for (let n = Math.min(marker.length - 1, text.length); n > 0; n--) {
    if (marker.startsWith(text.slice(text.length - n))) return n;
  }
  return 0;
}

/**
 * The bracketed-paste parser, fed the terminal's reads in order: keys go to `keys`, each whole paste to
 * `paste`. Pure but for the timers that end an unfinished marker or paste.
 */
export class PasteParser {
  private pasting: string[] | null = null;
  private held = '';
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly keys: (text: string) => void,
    private readonly paste: (text: string) => void,
  ) {}

  feed(chunk: string): void {
    this.clearTimer();
    let data = this.held + chunk;
    this.held = '';
    while (data !== '') {
      if (this.pasting !== null) {
        const end = data.indexOf(PASTE_END);
        if (end === -1) {
          const split = partialMarker(data, PASTE_END);
          this.pasting.push(data.slice(0, data.length - split));
          this.held = data.slice(data.length - split);
          this.wait(PASTE_IDLE_MS);
          return;
        }
        this.pasting.push(data.slice(0, end));
        this.endPaste();
        data = data.slice(end + PASTE_END.length);
        continue;
      }
      const start = data.indexOf(PASTE_START);
      if (start === -1) {
        // A lone ESC at the end is the Escape key, not half a marker: only longer beginnings wait.
        const split = partialMarker(data, PASTE_START);
        const wait = split >= 2 ? split : 0;
        this.keys(data.slice(0, data.length - wait));
        this.held = data.slice(data.length - wait);
        if (wait > 0) this.wait(SPLIT_MARKER_MS);
        return;
      }
      if (start > 0) this.keys(data.slice(0, start));
      this.pasting = [];
      data = data.slice(start + PASTE_START.length);
    }
  }

  dispose(): void {
    this.clearTimer();
  }

  private endPaste(): void {
    const text = (this.pasting ?? []).join('');
    this.pasting = null;
    this.paste(text);
  }

  /** Nothing more came: a held marker beginning was keys after all; an open paste ends here. */
  private timedOut(): void {
    this.timer = null;
    const held = this.held;
    this.held = '';
    if (this.pasting !== null) {
      this.pasting.push(held);
      this.endPaste();
    } else if (held !== '') this.keys(held);
  }

  private wait(ms: number): void {
    this.timer = setTimeout(() => this.timedOut(), ms);
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}

export function filterInput(source: TtyLike): FilteredInput {
  const stream = new PassThrough() as PassThrough & TtyLike;
  stream.isTTY = source.isTTY === true;
  if (typeof source.setRawMode === 'function') {
    const setRawMode = source.setRawMode.bind(source);
    stream.setRawMode = (mode: boolean) => {
      setRawMode(mode);
      stream.isRaw = mode;
      return stream;
    };
  }
  const pastes: string[] = [];
  const parser = new PasteParser(
    (keys) => {
      if (keys !== '') stream.write(translateKeys(keys));
    },
    (text) => {
      pastes.push(text);
      stream.write(PASTE_MARK);
    },
  );
  // A read may end inside a character (a long paste comes in many reads): the decoder keeps its bytes.
  const decoder = new StringDecoder('utf8');
  const onData = (chunk: Buffer | string): void => {
    parser.feed(typeof chunk === 'string' ? chunk : decoder.write(chunk));
  };
  source.on('data', onData);
  source.resume();
  return {
    stream,
    takePaste: () => pastes.shift(),
    dispose: () => {
      parser.dispose();
      source.removeListener('data', onData);
      if (typeof source.setRawMode === 'function' && source.isRaw === true) source.setRawMode(false);
      source.pause();
      stream.end();
    },
  };
}
