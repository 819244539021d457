/** The input's editing state as plain values; the input pane draws it, key handlers replace it. */
import { seg, type Segment, type StyledLine, type StyleKey } from './text/styled.js';
import { pointWidth, strWidth, truncate } from './text/width.js';

export interface InputState {
  text: string;
  /** Cursor as an index into text (UTF-16 units, always on a code point boundary). */
  cursor: number;
  history: readonly string[];
  /** Position while walking history; null when editing a fresh line. */
  historyIndex: number | null;
  /** What was typed before walking into history. */
  draft: string;
  /** Large pastes, folded: each stands in `text` (and `draft`) as one placeholder character. */
  pastes: Readonly<Record<string, string>>;
}

/** A paste of more lines than this (or more characters than FOLD_CHARS) is shown folded, as one label. */
export const FOLD_LINES = 10;
export const FOLD_CHARS = 2_000;
/** Placeholders are the first 256 characters of Unicode's private use area; typed ones are replaced. */
const PLACEHOLDER_FIRST = 0xe000;
const PLACEHOLDER_COUNT = 256;
const PLACEHOLDER = /[\ue000-\ue0ff]/g;

/** Entries of input history kept for Up/Down. */
const HISTORY_LIMIT = 500;

export const emptyInput = (history: readonly string[] = []): InputState => ({
  text: '',
  cursor: 0,
  history,
  historyIndex: null,
  draft: '',
  pastes: {},
});

/** Text from the terminal with the placeholder characters replaced, so none can pose as a paste. */
export function withoutPlaceholders(text: string): string {
  return text.replace(PLACEHOLDER, '\ufffd');
}

const lineCount = (text: string): number => text.replace(/\n$/, '').split('\n').length;

export function shouldFold(text: string): boolean {
  return text.length > FOLD_CHARS || lineCount(text) > FOLD_LINES;
}

/** How a folded paste is shown: "[pasted 300 lines]", or its characters when it is one long line. */
export function pasteLabel(text: string): string {
  const lines = lineCount(text);
  return lines > 1
    ? `[pasted ${lines.toLocaleString('en-US')} lines]`
    : `[pasted ${text.length.toLocaleString('en-US')} characters]`;
}

/** The text with each folded paste put back: what is sent. */
export function expandedText(s: InputState): string {
  return s.text.replace(PLACEHOLDER, (ch) => s.pastes[ch] ?? '');
}

/** A placeholder neither the text nor the draft uses, with `text` folded under it; null when all are used. */
function fold(s: InputState, text: string): { ch: string; pastes: Record<string, string> } | null {
  for (let i = 0; i < PLACEHOLDER_COUNT; i++) {
    const ch = String.fromCharCode(PLACEHOLDER_FIRST + i);
    if (!s.text.includes(ch) && !s.draft.includes(ch)) return { ch, pastes: { ...s.pastes, [ch]: text } };
  }
  return null;
}

/** A paste at the cursor: as it is, or folded when large. */
export function insertPaste(s: InputState, pasted: string): InputState {
  const text = withoutPlaceholders(pasted);
  const folded = shouldFold(text) ? fold(s, text) : null;
  return folded === null ? insert(s, text) : { ...insert(s, folded.ch), pastes: folded.pastes };
}

/** A whole text (from history) in the input, folded when large. */
function recalled(s: InputState, text: string): Pick<InputState, 'text' | 'cursor' | 'pastes'> {
  const folded = shouldFold(text) ? fold(s, text) : null;
  if (folded === null) return { text, cursor: text.length, pastes: s.pastes };
  return { text: folded.ch, cursor: 1, pastes: folded.pastes };
}

const prevBoundary = (text: string, at: number): number =>
  at >= 2 && /[\udc00-\udfff]/.test(text[at - 1] ?? '') ? at - 2 : Math.max(0, at - 1);
const nextBoundary = (text: string, at: number): number =>
  /[\ud800-\udbff]/.test(text[at] ?? '') ? at + 2 : Math.min(text.length, at + 1);

export function insert(s: InputState, chunk: string): InputState {
  return {
    ...s,
    text: s.text.slice(0, s.cursor) + chunk + s.text.slice(s.cursor),
    cursor: s.cursor + chunk.length,
    historyIndex: null,
  };
}

export function backspace(s: InputState): InputState {
  if (s.cursor === 0) return s;
  const at = prevBoundary(s.text, s.cursor);
  return { ...s, text: s.text.slice(0, at) + s.text.slice(s.cursor), cursor: at };
}

export function deleteForward(s: InputState): InputState {
  if (s.cursor >= s.text.length) return s;
  return { ...s, text: s.text.slice(0, s.cursor) + s.text.slice(nextBoundary(s.text, s.cursor)) };
}

export function moveLeft(s: InputState): InputState {
  return { ...s, cursor: prevBoundary(s.text, s.cursor) };
}

export function moveRight(s: InputState): InputState {
  return { ...s, cursor: nextBoundary(s.text, s.cursor) };
}

export function lineStart(s: InputState): InputState {
  return { ...s, cursor: s.text.lastIndexOf('\n', s.cursor - 1) + 1 };
}

export function lineEnd(s: InputState): InputState {
  const end = s.text.indexOf('\n', s.cursor);
  return { ...s, cursor: end === -1 ? s.text.length : end };
}

export const onFirstLine = (s: InputState): boolean => !s.text.slice(0, s.cursor).includes('\n');
export const onLastLine = (s: InputState): boolean => !s.text.slice(s.cursor).includes('\n');

export function historyPrev(s: InputState): InputState {
  const index = s.historyIndex === null ? s.history.length - 1 : s.historyIndex - 1;
  const text = s.history[index];
  if (text === undefined) return s;
  const walking = { ...s, draft: s.historyIndex === null ? s.text : s.draft };
  return { ...walking, ...recalled(walking, text), historyIndex: index };
}

export function historyNext(s: InputState): InputState {
  if (s.historyIndex === null) return s;
  const index = s.historyIndex + 1;
  const text = s.history[index];
  if (text === undefined) return { ...s, text: s.draft, cursor: s.draft.length, historyIndex: null };
  return { ...s, ...recalled(s, text), historyIndex: index };
}

/** `text` (a message taken back from the queue) as the input, folded when large. */
export function recalledInput(s: InputState, text: string): InputState {
  return { ...s, ...recalled(s, text), historyIndex: null };
}

/** Takes the text out for sending (folded pastes put back) and remembers it in history. */
export function submit(s: InputState): { text: string; state: InputState } {
  const text = expandedText(s);
  const history =
    text.trim() === '' || s.history.at(-1) === text ? s.history : [...s.history, text].slice(-HISTORY_LIMIT);
  return { text, state: emptyInput(history) };
}

export function setText(s: InputState, text: string): InputState {
  return { ...s, text, cursor: text.length, historyIndex: null };
}

/** The input drawn at `width`: hard-wrapped rows, the cursor as an inverse cell, scrolled to keep it visible. */
export function inputLines(
  s: InputState,
  width: number,
  height: number,
  focused: boolean,
  placeholder: string,
): StyledLine[] {
  const w = Math.max(2, width - 2);
  if (s.text === '' && !focused) return [[seg('› ', 'dim'), seg(placeholder, 'dim')]];
  const rows: Segment[][] = [];
  let row: Segment[] = [];
  let used = 0;
  let cursorRow = 0;
  const flush = (): void => {
    rows.push(row);
    row = [];
    used = 0;
  };
  const put = (text: string, style: StyleKey): void => {
    const cw = Math.max(1, text.length === 1 ? pointWidth(text.codePointAt(0) ?? 32) : strWidth(text));
    if (used + cw > w && used > 0) flush();
    row.push(seg(text, style));
    used += cw;
  };
  let index = 0;
  for (const char of s.text) {
    const isCursor = focused && index === s.cursor;
    if (isCursor) cursorRow = rows.length;
    const folded = s.pastes[char];
    if (char === '\n') {
      if (isCursor) put(' ', 'cursor');
      flush();
    } else if (folded !== undefined) put(truncate(pasteLabel(folded), w), isCursor ? 'cursor' : 'marker');
    else if (char === '\t') {
      put(' ', isCursor ? 'cursor' : 'text');
      put(' ', 'text');
    } else put(char, isCursor ? 'cursor' : 'text');
    index += char.length;
  }
  if (focused && s.cursor >= s.text.length) {
    if (used + 1 > w) flush();
    cursorRow = rows.length;
    put(' ', 'cursor');
  }
  flush();
  const top = Math.max(0, Math.min(cursorRow - height + 1, rows.length - height));
  return rows.slice(top, top + height).map((r, i) => [seg(i + top === 0 ? '› ' : '  ', 'dim'), ...r]);
}
